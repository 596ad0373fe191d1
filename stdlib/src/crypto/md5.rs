//! MD5 (RFC 1321), for `crypto.Hash('md5')` and `crypto.Hmac('md5', key)`: ring has no MD5, and
//! scripts still use it for cache keys and legacy checksums. Not for security.

/// A running MD5 digest.
#[derive(Clone)]
pub struct Md5 {
    state: [u32; 4],
    pending: Vec<u8>,
    len: u64,
}

const SHIFTS: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

fn constants() -> [u32; 64] {
    // K[i] = floor(|sin(i + 1)| · 2^32), exact in f64 for these 64 values.
    let mut k = [0u32; 64];
    for (i, x) in k.iter_mut().enumerate() {
        *x = ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32;
    }
    k
}

impl Default for Md5 {
    fn default() -> Self {
        Md5 { state: [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476], pending: Vec::new(), len: 0 }
    }
}

impl Md5 {
    pub fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        if !self.pending.is_empty() {
            let take = (64 - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() < 64 {
                return;
            }
            let block = std::mem::take(&mut self.pending);
            self.block(&block);
        }
        let mut chunks = data.chunks_exact(64);
        for b in &mut chunks {
            self.block(b);
        }
        self.pending.extend_from_slice(chunks.remainder());
    }

    pub fn finish(mut self) -> [u8; 16] {
        let bits = self.len.wrapping_mul(8);
        let mut tail = vec![0x80u8];
        while (self.pending.len() + tail.len()) % 64 != 56 {
            tail.push(0);
        }
        tail.extend_from_slice(&bits.to_le_bytes());
        let len = self.len;
        self.update(&tail);
        self.len = len;
        let mut out = [0u8; 16];
        for (i, w) in self.state.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
        }
        out
    }

    fn block(&mut self, b: &[u8]) {
        let k = constants();
        let mut m = [0u32; 16];
        for (i, w) in m.iter_mut().enumerate() {
            *w = u32::from_le_bytes([b[i * 4], b[i * 4 + 1], b[i * 4 + 2], b[i * 4 + 3]]);
        }
        let [mut a, mut bb, mut c, mut d] = self.state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((bb & c) | (!bb & d), i),
                1 => ((d & bb) | (!d & c), (5 * i + 1) % 16),
                2 => (bb ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (bb | !d), (7 * i) % 16),
            };
            let s = SHIFTS[(i / 16) * 4 + i % 4];
            let t = d;
            d = c;
            c = bb;
            bb = bb.wrapping_add(a.wrapping_add(f).wrapping_add(k[i]).wrapping_add(m[g]).rotate_left(s));
            a = t;
        }
        for (s, v) in self.state.iter_mut().zip([a, bb, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
}

/// HMAC-MD5 (RFC 2104) of what was fed to `inner`.
#[derive(Clone)]
pub struct HmacMd5 {
    inner: Md5,
    outer_key: [u8; 64],
}

impl HmacMd5 {
    pub fn new(key: &[u8]) -> HmacMd5 {
        let mut k = [0u8; 64];
        if key.len() > 64 {
            let mut h = Md5::default();
            h.update(key);
            k[..16].copy_from_slice(&h.finish());
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut inner = Md5::default();
        inner.update(&k.map(|b| b ^ 0x36));
        HmacMd5 { inner, outer_key: k.map(|b| b ^ 0x5c) }
    }
    pub fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }
    pub fn finish(self) -> [u8; 16] {
        let mut outer = Md5::default();
        outer.update(&self.outer_key);
        outer.update(&self.inner.finish());
        outer.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn rfc_1321_and_2104_vectors() {
        for (input, want) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            // Whole, and fed a byte at a time.
            let mut h = Md5::default();
            h.update(input.as_bytes());
            assert_eq!(hex(&h.finish()), want, "{input}");
            let mut h = Md5::default();
            for b in input.as_bytes() {
                h.update(&[*b]);
            }
            assert_eq!(hex(&h.finish()), want, "{input} bytewise");
        }
        let mut h = HmacMd5::new(b"Jefe");
        h.update(b"what do ya want for nothing?");
        assert_eq!(hex(&h.finish()), "750c783e6ab0b503eaa86e310a5db738");
    }
}
