//! `crypto.Cipher` and `crypto.Decipher`: symmetric encryption that gives the bytes Node's
//! `crypto.createCipheriv`/`createDecipheriv` (OpenSSL) give, call for call.
//!
//! `new crypto.Cipher(algorithm, { key, iv })` (key and iv a string, as UTF-8, or Data; a
//! missing iv is all zeros, as in the original) has `update(data | string, encoding?)` → Data
//! and `final()` → Data. `crypto.Decipher` is the same the other way. Like OpenSSL, CBC
//! encryption outputs whole blocks and pads the rest with PKCS#7 at `final()`; CBC decryption
//! holds back the last whole block until `final()` strips the padding; the other modes output
//! every byte at once. Authenticated modes (GCM, ChaCha20-Poly1305) add what Node has and the
//! original Pipy lacks: `setAAD(data)` before the first `update()`, `getAuthTag()` (16 bytes of
//! Data) after `Cipher.final()`, and `setAuthTag(tag)` before `Decipher.final()`, which throws
//! when the tag is missing or wrong (plaintext from `update()` is unauthenticated until then).
//!
//! GCM and ChaCha20-Poly1305 are put together here from their RustCrypto parts (AES + CTR +
//! GHASH, ChaCha20 + Poly1305, as the `aes-gcm` and `chacha20poly1305` crates do) because
//! those crates seal whole messages only, and `update()` streams; the tests check the two agree.

use crate::util::{self, arg};
use aes::{Aes128, Aes192, Aes256};
use cipher::consts::U16;
use cipher::{
    Array, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, BlockSizeUser, KeyInit, KeyIvInit, StreamCipher,
};
use ghash::GHash;
use ghash::universal_hash::UniversalHash;
use pipy_engine::pipeline::event;
use pipy_value::{ErrorKind, JsResult, Obj, ObjectKind, Value, error, ops};
use poly1305::Poly1305;
use subtle::ConstantTimeEq;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Cbc,
    Ctr,
    Gcm,
    ChaChaPoly,
}

/// An algorithm by its OpenSSL name.
struct Algorithm {
    name: &'static str,
    mode: Mode,
    key_len: usize,
    iv_len: usize,
}

const ALGORITHMS: &[Algorithm] = &[
    Algorithm { name: "aes-128-cbc", mode: Mode::Cbc, key_len: 16, iv_len: 16 },
    Algorithm { name: "aes-192-cbc", mode: Mode::Cbc, key_len: 24, iv_len: 16 },
    Algorithm { name: "aes-256-cbc", mode: Mode::Cbc, key_len: 32, iv_len: 16 },
    Algorithm { name: "aes-128-ctr", mode: Mode::Ctr, key_len: 16, iv_len: 16 },
    Algorithm { name: "aes-192-ctr", mode: Mode::Ctr, key_len: 24, iv_len: 16 },
    Algorithm { name: "aes-256-ctr", mode: Mode::Ctr, key_len: 32, iv_len: 16 },
    Algorithm { name: "aes-128-gcm", mode: Mode::Gcm, key_len: 16, iv_len: 12 },
    Algorithm { name: "aes-192-gcm", mode: Mode::Gcm, key_len: 24, iv_len: 12 },
    Algorithm { name: "aes-256-gcm", mode: Mode::Gcm, key_len: 32, iv_len: 12 },
    Algorithm { name: "chacha20-poly1305", mode: Mode::ChaChaPoly, key_len: 32, iv_len: 12 },
];

/// The algorithm named `name` (case-insensitive; OpenSSL's `aes128`/`aes192`/`aes256` are CBC).
fn algorithm(name: &str) -> Option<&'static Algorithm> {
    let lower = name.to_ascii_lowercase();
    let name = match lower.as_str() {
        "aes128" => "aes-128-cbc",
        "aes192" => "aes-192-cbc",
        "aes256" => "aes-256-cbc",
        n => n,
    };
    ALGORITHMS.iter().find(|a| a.name == name)
}

/// One direction of one algorithm, keyed. `update` appends what it can output now to `out`;
/// `finish` appends the rest.
trait Engine {
    fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String>;
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), String>;
    /// AEAD only: more associated data (before any `update`).
    fn add_aad(&mut self, _aad: &[u8]) -> Result<(), String> {
        Err("has no additional authenticated data".into())
    }
    /// AEAD only: the full tag once `finish` ran.
    fn tag(&self) -> Option<[u8; 16]> {
        None
    }
}

type Block = Array<u8, U16>;

fn block_of(bytes: &[u8]) -> Block {
    let mut b = Block::default();
    b.copy_from_slice(bytes);
    b
}

/// CBC encryption: whole blocks out, PKCS#7 padding at the end.
struct CbcEncrypt<E> {
    mode: E,
    pending: Vec<u8>,
}

impl<E: BlockModeEncrypt + BlockSizeUser<BlockSize = U16>> Engine for CbcEncrypt<E> {
    fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.pending.extend_from_slice(input);
        let whole = self.pending.len() / 16 * 16;
        for chunk in self.pending[..whole].chunks_exact(16) {
            let mut b = block_of(chunk);
            self.mode.encrypt_block(&mut b);
            out.extend_from_slice(&b);
        }
        self.pending.drain(..whole);
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        let pad = 16 - self.pending.len();
        self.pending.resize(16, pad as u8);
        let mut b = block_of(&self.pending);
        self.mode.encrypt_block(&mut b);
        out.extend_from_slice(&b);
        self.pending.clear();
        Ok(())
    }
}

/// CBC decryption: the last whole block waits for `finish`, which checks and strips the padding.
struct CbcDecrypt<D> {
    mode: D,
    pending: Vec<u8>,
}

impl<D: BlockModeDecrypt + BlockSizeUser<BlockSize = U16>> Engine for CbcDecrypt<D> {
    fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.pending.extend_from_slice(input);
        let mut whole = self.pending.len() / 16 * 16;
        if whole == self.pending.len() && whole > 0 {
            whole -= 16;
        }
        for chunk in self.pending[..whole].chunks_exact(16) {
            let mut b = block_of(chunk);
            self.mode.decrypt_block(&mut b);
            out.extend_from_slice(&b);
        }
        self.pending.drain(..whole);
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        if self.pending.len() != 16 {
            return Err(format!(
                "wrong final block length (the ciphertext is not a whole number of 16-byte blocks: {} left over)",
                self.pending.len()
            ));
        }
        let mut b = block_of(&self.pending);
        self.pending.clear();
        self.mode.decrypt_block(&mut b);
        let n = usize::from(b[15]);
        if n == 0 || n > 16 || b[16 - n..].iter().any(|&x| usize::from(x) != n) {
            return Err("bad decrypt (wrong key or iv, or corrupt data: invalid PKCS#7 padding)".into());
        }
        out.extend_from_slice(&b[..16 - n]);
        Ok(())
    }
}

const KEYSTREAM_END: &str = "too much data for one key and iv (the counter would wrap)";

/// A stream cipher (CTR): every byte out at once, the same both ways.
struct Stream<S>(S);

impl<S: StreamCipher> Engine for Stream<S> {
    fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        let start = out.len();
        out.extend_from_slice(input);
        self.0.try_apply_keystream(&mut out[start..]).map_err(|_| KEYSTREAM_END.to_string())
    }

    fn finish(&mut self, _out: &mut Vec<u8>) -> Result<(), String> {
        Ok(())
    }
}

/// How an AEAD closes its MAC input with the lengths.
#[derive(Clone, Copy)]
enum Lengths {
    /// GCM: big-endian bit counts.
    BitsBe,
    /// RFC 8439: little-endian byte counts.
    BytesLe,
}

/// An AEAD as a stream cipher and a 16-byte-block MAC over the AAD and the ciphertext, each
/// zero-padded to a block, then their lengths; the tag is the MAC xor `mask`.
struct Aead<S, H> {
    stream: S,
    mac: Option<H>,
    mask: [u8; 16],
    lengths: Lengths,
    decrypt: bool,
    /// Bytes the MAC has not taken yet (less than a block).
    partial: Vec<u8>,
    aad_len: u64,
    text_len: u64,
    /// The AAD is closed (its padding went into the MAC) at the first `update`.
    text_started: bool,
    tag: Option<[u8; 16]>,
}

impl<S, H: UniversalHash<BlockSize = U16>> Aead<S, H> {
    fn new(stream: S, mac: H, mask: [u8; 16], lengths: Lengths, decrypt: bool) -> Self {
        Aead {
            stream,
            mac: Some(mac),
            mask,
            lengths,
            decrypt,
            partial: Vec::new(),
            aad_len: 0,
            text_len: 0,
            text_started: false,
            tag: None,
        }
    }

    fn absorb(&mut self, mut data: &[u8]) {
        let Some(mac) = self.mac.as_mut() else { return };
        if !self.partial.is_empty() {
            let take = (16 - self.partial.len()).min(data.len());
            self.partial.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.partial.len() < 16 {
                return;
            }
            mac.update(&[block_of(&self.partial)]);
            self.partial.clear();
        }
        let whole = data.len() / 16 * 16;
        let blocks: Vec<Block> = data[..whole].chunks_exact(16).map(block_of).collect();
        mac.update(&blocks);
        self.partial.extend_from_slice(&data[whole..]);
    }

    /// Zero-pads what the MAC holds to a block boundary.
    fn pad(&mut self) {
        if let Some(mac) = self.mac.as_mut() {
            if !self.partial.is_empty() {
                mac.update_padded(&self.partial);
                self.partial.clear();
            }
        }
    }

    fn start_text(&mut self) {
        if !self.text_started {
            self.text_started = true;
            self.pad();
        }
    }
}

impl<S: StreamCipher, H: UniversalHash<BlockSize = U16>> Engine for Aead<S, H> {
    fn add_aad(&mut self, aad: &[u8]) -> Result<(), String> {
        if self.text_started {
            return Err("the additional authenticated data must come before the first update()".into());
        }
        self.aad_len += aad.len() as u64;
        self.absorb(aad);
        Ok(())
    }

    fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.start_text();
        self.text_len += input.len() as u64;
        let start = out.len();
        out.extend_from_slice(input);
        if self.decrypt {
            self.absorb(input);
        }
        self.stream.try_apply_keystream(&mut out[start..]).map_err(|_| KEYSTREAM_END.to_string())?;
        if !self.decrypt {
            self.absorb(&out[start..]);
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<u8>) -> Result<(), String> {
        self.start_text();
        self.pad();
        let Some(mut mac) = self.mac.take() else { return Err("already finished".into()) };
        let mut lengths = Block::default();
        match self.lengths {
            Lengths::BitsBe => {
                lengths[..8].copy_from_slice(&(self.aad_len * 8).to_be_bytes());
                lengths[8..].copy_from_slice(&(self.text_len * 8).to_be_bytes());
            }
            Lengths::BytesLe => {
                lengths[..8].copy_from_slice(&self.aad_len.to_le_bytes());
                lengths[8..].copy_from_slice(&self.text_len.to_le_bytes());
            }
        }
        mac.update(&[lengths]);
        let sum = mac.finalize();
        let mut tag = [0u8; 16];
        for (t, (s, m)) in tag.iter_mut().zip(sum.iter().zip(self.mask)) {
            *t = s ^ m;
        }
        self.tag = Some(tag);
        Ok(())
    }

    fn tag(&self) -> Option<[u8; 16]> {
        self.tag
    }
}

/// AES-GCM with a 96-bit iv (NIST SP 800-38D): H = E(K, 0), J0 = iv ‖ 0³¹1, the mask is
/// E(K, J0) and the text is CTR from J0 + 1 with a 32-bit counter.
fn gcm<A>(key: &[u8], iv: &[u8], decrypt: bool) -> Result<Box<dyn Engine>, cipher::InvalidLength>
where
    A: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
    ctr::Ctr32BE<A>: KeyIvInit + StreamCipher + 'static,
{
    let mut h = Block::default();
    A::new_from_slice(key)?.encrypt_block(&mut h);
    let mut j0 = [0u8; 16];
    j0[..12].copy_from_slice(iv.get(..12).ok_or(cipher::InvalidLength)?);
    j0[15] = 1;
    let mut stream = ctr::Ctr32BE::<A>::new_from_slices(key, &j0)?;
    let mut mask = [0u8; 16];
    stream.apply_keystream(&mut mask);
    Ok(Box::new(Aead::new(stream, GHash::new(&h), mask, Lengths::BitsBe, decrypt)))
}

/// ChaCha20-Poly1305 (RFC 8439): the Poly1305 key is the first 32 bytes of keystream block 0;
/// the text is encrypted from block 1; no mask.
fn chacha_poly(key: &[u8], iv: &[u8], decrypt: bool) -> Result<Box<dyn Engine>, cipher::InvalidLength> {
    let mut stream = chacha20::ChaCha20::new_from_slices(key, iv)?;
    let mut block0 = [0u8; 64];
    stream.apply_keystream(&mut block0);
    let mac = Poly1305::new_from_slice(&block0[..32])?;
    Ok(Box::new(Aead::new(stream, mac, [0u8; 16], Lengths::BytesLe, decrypt)))
}

fn engine(alg: &Algorithm, key: &[u8], iv: &[u8], decrypt: bool) -> Result<Box<dyn Engine>, cipher::InvalidLength> {
    fn cbc<A>(key: &[u8], iv: &[u8], decrypt: bool) -> Result<Box<dyn Engine>, cipher::InvalidLength>
    where
        A: cipher::BlockCipherEncrypt + cipher::BlockCipherDecrypt + BlockSizeUser<BlockSize = U16> + KeyInit + 'static,
    {
        Ok(if decrypt {
            Box::new(CbcDecrypt { mode: cbc::Decryptor::<A>::new_from_slices(key, iv)?, pending: Vec::new() })
        } else {
            Box::new(CbcEncrypt { mode: cbc::Encryptor::<A>::new_from_slices(key, iv)?, pending: Vec::new() })
        })
    }
    fn ctr<A>(key: &[u8], iv: &[u8]) -> Result<Box<dyn Engine>, cipher::InvalidLength>
    where
        A: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16>,
        ctr::Ctr128BE<A>: KeyIvInit + StreamCipher + 'static,
    {
        Ok(Box::new(Stream(ctr::Ctr128BE::<A>::new_from_slices(key, iv)?)))
    }
    match (alg.mode, alg.key_len) {
        (Mode::Cbc, 16) => cbc::<Aes128>(key, iv, decrypt),
        (Mode::Cbc, 24) => cbc::<Aes192>(key, iv, decrypt),
        (Mode::Cbc, _) => cbc::<Aes256>(key, iv, decrypt),
        (Mode::Ctr, 16) => ctr::<Aes128>(key, iv),
        (Mode::Ctr, 24) => ctr::<Aes192>(key, iv),
        (Mode::Ctr, _) => ctr::<Aes256>(key, iv),
        (Mode::Gcm, 16) => gcm::<Aes128>(key, iv, decrypt),
        (Mode::Gcm, 24) => gcm::<Aes192>(key, iv, decrypt),
        (Mode::Gcm, _) => gcm::<Aes256>(key, iv, decrypt),
        (Mode::ChaChaPoly, _) => chacha_poly(key, iv, decrypt),
    }
}

/// The host value of a Cipher or Decipher.
struct CipherHost {
    alg: &'static Algorithm,
    decrypt: bool,
    engine: Box<dyn Engine>,
    /// `final()` was called.
    done: bool,
    /// Decipher: the tag from `setAuthTag`.
    expected_tag: Option<Vec<u8>>,
}

impl CipherHost {
    fn class(&self) -> &'static str {
        if self.decrypt { "Decipher" } else { "Cipher" }
    }

    fn is_aead(&self) -> bool {
        matches!(self.alg.mode, Mode::Gcm | Mode::ChaChaPoly)
    }
}

fn crypto_error(message: &str) -> Value {
    error::make_error(ErrorKind::Error, message)
}

/// The bytes of a Data or string argument (a string in `encoding`, UTF-8 by default).
fn bytes_arg(v: &Value, encoding: &Value, what: &str) -> JsResult<Vec<u8>> {
    if let Some(d) = event::as_data(v) {
        return Ok(d.to_vec());
    }
    match v {
        Value::String(s) => {
            let enc = crate::pipy::data::encoding(encoding)?;
            Ok(crate::pipy::data::encode_string(s, enc)?.to_vec())
        }
        _ => Err(error::type_error(&format!("{what}: expected a Data object or a string"))),
    }
}

/// Runs `f` on the host of `this`, or throws that `this` is no Cipher or Decipher.
fn with_host<R>(this: &Value, method: &str, f: impl FnOnce(&mut CipherHost) -> R) -> JsResult<R> {
    let r = match this {
        Value::Object(o) => o.with_host(f),
        _ => None,
    };
    r.ok_or_else(|| error::type_error(&format!("{method}(): not a crypto.Cipher or crypto.Decipher")))
}

/// `update(data | string, encoding?)`: Data.
fn update(this: &Value, args: &[Value]) -> JsResult<Value> {
    let input = bytes_arg(&arg(args, 0), &arg(args, 1), "update()")?;
    let out = with_host(this, "update", |c| {
        if c.done {
            return Err(format!("crypto.{}.update(): final() was already called", c.class()));
        }
        let mut out = Vec::with_capacity(input.len() + 16);
        c.engine.update(&input, &mut out).map_err(|e| format!("crypto.{}.update(): {}: {e}", c.class(), c.alg.name))?;
        Ok(out)
    })?;
    out.map(|o| event::data_value(o.into())).map_err(|e| crypto_error(&e))
}

/// `final()`: Data; a Decipher of an AEAD checks the tag here.
fn final_(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let out = with_host(this, "final", |c| {
        let (class, name) = (c.class(), c.alg.name);
        if c.done {
            return Err(format!("crypto.{class}.final(): already called"));
        }
        c.done = true;
        let mut out = Vec::new();
        c.engine.finish(&mut out).map_err(|e| format!("crypto.{class}.final(): {name}: {e}"))?;
        if c.decrypt && c.is_aead() {
            let Some(expected) = &c.expected_tag else {
                return Err(format!(
                    "crypto.Decipher.final(): {name}: unable to authenticate data (no tag: call setAuthTag() before final())"
                ));
            };
            let tag = c.engine.tag().unwrap_or_default();
            let ok: bool = tag[..expected.len()].ct_eq(expected).into();
            if !ok {
                return Err(format!("crypto.Decipher.final(): {name}: unable to authenticate data (wrong tag)"));
            }
        }
        Ok(out)
    })?;
    out.map(|o| event::data_value(o.into())).map_err(|e| crypto_error(&e))
}

/// `Cipher.getAuthTag()`: the 16-byte tag as Data, after `final()`.
fn get_auth_tag(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let tag = with_host(this, "getAuthTag", |c| {
        let name = c.alg.name;
        if c.decrypt {
            return Err(error::type_error("crypto.Decipher has no getAuthTag() (use setAuthTag())"));
        }
        if !c.is_aead() {
            return Err(error::type_error(&format!("crypto.Cipher.getAuthTag(): {name} has no authentication tag")));
        }
        c.engine.tag().ok_or_else(|| crypto_error(&format!("crypto.Cipher.getAuthTag(): {name}: only after final()")))
    })??;
    Ok(event::data_value(tag.to_vec().into()))
}

/// `Decipher.setAuthTag(tag, encoding?)`: the tag `final()` checks (GCM: 4, 8 or 12 to 16
/// bytes, as Node takes; ChaCha20-Poly1305: 16 bytes).
fn set_auth_tag(this: &Value, args: &[Value]) -> JsResult<Value> {
    let tag = bytes_arg(&arg(args, 0), &arg(args, 1), "setAuthTag()")?;
    with_host(this, "setAuthTag", |c| {
        let name = c.alg.name;
        if !c.decrypt {
            return Err(error::type_error("crypto.Cipher has no setAuthTag() (use getAuthTag())"));
        }
        if !c.is_aead() {
            return Err(error::type_error(&format!("crypto.Decipher.setAuthTag(): {name} has no authentication tag")));
        }
        if c.done {
            return Err(crypto_error("crypto.Decipher.setAuthTag(): final() was already called"));
        }
        let ok = match c.alg.mode {
            Mode::Gcm => matches!(tag.len(), 4 | 8 | 12..=16),
            _ => tag.len() == 16,
        };
        if !ok {
            let expected = if c.alg.mode == Mode::Gcm { "4, 8 or 12 to 16" } else { "16" };
            return Err(error::type_error(&format!(
                "crypto.Decipher.setAuthTag(): {name}: the tag is {} bytes, expected {expected}",
                tag.len()
            )));
        }
        c.expected_tag = Some(tag);
        Ok(())
    })??;
    Ok(this.clone())
}

/// `setAAD(data, encoding?)`: additional authenticated data, before the first `update()`.
fn set_aad(this: &Value, args: &[Value]) -> JsResult<Value> {
    let aad = bytes_arg(&arg(args, 0), &arg(args, 1), "setAAD()")?;
    with_host(this, "setAAD", |c| {
        let (class, name) = (c.class(), c.alg.name);
        if !c.is_aead() {
            return Err(error::type_error(&format!("crypto.{class}.setAAD(): {name} is not an authenticated cipher")));
        }
        if c.done {
            return Err(crypto_error(&format!("crypto.{class}.setAAD(): final() was already called")));
        }
        c.engine.add_aad(&aad).map_err(|e| crypto_error(&format!("crypto.{class}.setAAD(): {name}: {e}")))
    })??;
    Ok(this.clone())
}

/// `options.key` or `options.iv`: a string (UTF-8) or Data; `None` when absent.
fn option_bytes(options: &Value, field: &str, what: &str) -> JsResult<Option<Vec<u8>>> {
    let v = ops::get_str(options, field)?;
    if matches!(v, Value::Undefined | Value::Null) {
        return Ok(None);
    }
    if let Some(d) = event::as_data(&v) {
        return Ok(Some(d.to_vec()));
    }
    match v {
        Value::String(_) => Ok(Some(ops::to_rust_string(&v)?.into_bytes())),
        _ => Err(error::type_error(&format!("{what}: options.{field} must be a string or Data"))),
    }
}

fn construct(proto: &Obj, args: &[Value], decrypt: bool) -> JsResult<Value> {
    let what = format!("new crypto.{}()", if decrypt { "Decipher" } else { "Cipher" });
    let name = ops::to_rust_string(&arg(args, 0))?;
    let Some(alg) = algorithm(&name) else {
        let names: Vec<&str> = ALGORITHMS.iter().map(|a| a.name).collect();
        return Err(error::type_error(&format!("{what}: unknown cipher '{name}' (known: {})", names.join(", "))));
    };
    let options = arg(args, 1);
    if !matches!(options, Value::Object(_)) {
        return Err(error::type_error(&format!("{what}: {}: options must be an object {{ key, iv }}", alg.name)));
    }
    let Some(key) = option_bytes(&options, "key", &what)? else {
        return Err(error::type_error(&format!(
            "{what}: {}: options.key is required ({} bytes)",
            alg.name, alg.key_len
        )));
    };
    if key.len() != alg.key_len {
        return Err(error::type_error(&format!(
            "{what}: {}: options.key expected to have a length of {} bytes (got {})",
            alg.name,
            alg.key_len,
            key.len()
        )));
    }
    let iv = match option_bytes(&options, "iv", &what)? {
        Some(iv) if !iv.is_empty() => iv,
        _ => vec![0; alg.iv_len],
    };
    if iv.len() != alg.iv_len {
        return Err(error::type_error(&format!(
            "{what}: {}: options.iv expected to have a length of {} bytes (got {})",
            alg.name,
            alg.iv_len,
            iv.len()
        )));
    }
    let engine = engine(alg, &key, &iv, decrypt)
        .map_err(|_| error::type_error(&format!("{what}: {}: invalid key or iv length", alg.name)))?;
    let host = CipherHost { alg, decrypt, engine, done: false, expected_tag: None };
    Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(host)))))
}

pub fn install(crypto: &Obj) {
    for decrypt in [false, true] {
        let proto = util::class_prototype();
        util::method(&proto, "update", 2, update);
        util::method(&proto, "final", 0, final_);
        util::method(&proto, "setAAD", 2, set_aad);
        if decrypt {
            util::method(&proto, "setAuthTag", 2, set_auth_tag);
        } else {
            util::method(&proto, "getAuthTag", 0, get_auth_tag);
        }
        let name = if decrypt { "Decipher" } else { "Cipher" };
        util::namespace_class(crypto, name, 2, &proto, move |proto, args| construct(proto, args, decrypt));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::AeadInOut;

    fn run(
        alg: &str,
        key: &[u8],
        iv: &[u8],
        decrypt: bool,
        aad: &[u8],
        pieces: &[&[u8]],
    ) -> (Vec<u8>, Option<[u8; 16]>) {
        let alg = algorithm(alg).expect("algorithm");
        let mut e = engine(alg, key, iv, decrypt).expect("engine");
        if !aad.is_empty() {
            e.add_aad(aad).expect("aad");
        }
        let mut out = Vec::new();
        for p in pieces {
            e.update(p, &mut out).expect("update");
        }
        e.finish(&mut out).expect("finish");
        (out, e.tag())
    }

    fn message(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 + 7) as u8).collect()
    }

    /// The streaming GCM and ChaCha20-Poly1305 agree with the one-shot `aes-gcm` and
    /// `chacha20poly1305` crates, whatever the pieces and AAD lengths.
    #[test]
    fn streaming_aead_matches_the_one_shot_crates() {
        let key: Vec<u8> = (0..32).collect();
        let iv: Vec<u8> = (100..112).collect();
        for (n, aad_len) in [(0, 0), (1, 0), (15, 3), (16, 16), (17, 17), (100, 40), (1000, 1)] {
            let msg = message(n);
            let aad = message(aad_len);
            let pieces: Vec<&[u8]> = msg.chunks(7).collect();
            for (name, key_len) in [("aes-128-gcm", 16), ("aes-256-gcm", 32), ("chacha20-poly1305", 32)] {
                let k = &key[..key_len];
                let mut sealed = msg.clone();
                let tag: Vec<u8> = match name {
                    "aes-128-gcm" => aes_gcm::Aes128Gcm::new_from_slice(k)
                        .expect("key")
                        .encrypt_inout_detached(
                            iv.as_slice().try_into().expect("nonce"),
                            &aad,
                            sealed.as_mut_slice().into(),
                        )
                        .expect("seal")
                        .to_vec(),
                    "aes-256-gcm" => aes_gcm::Aes256Gcm::new_from_slice(k)
                        .expect("key")
                        .encrypt_inout_detached(
                            iv.as_slice().try_into().expect("nonce"),
                            &aad,
                            sealed.as_mut_slice().into(),
                        )
                        .expect("seal")
                        .to_vec(),
                    _ => chacha20poly1305::ChaCha20Poly1305::new_from_slice(k)
                        .expect("key")
                        .encrypt_inout_detached(
                            iv.as_slice().try_into().expect("nonce"),
                            &aad,
                            sealed.as_mut_slice().into(),
                        )
                        .expect("seal")
                        .to_vec(),
                };
                let (ct, t) = run(name, k, &iv, false, &aad, &pieces);
                assert_eq!(ct, sealed, "{name} {n}");
                assert_eq!(t.map(|t| t.to_vec()), Some(tag.clone()), "{name} {n}");
                let ct_pieces: Vec<&[u8]> = ct.chunks(5).collect();
                let (pt, t2) = run(name, k, &iv, true, &aad, &ct_pieces);
                assert_eq!(pt, msg);
                assert_eq!(t2.map(|t| t.to_vec()), Some(tag));
            }
        }
    }

    #[test]
    fn cbc_round_trips_and_rejects_bad_padding() {
        let key = [7u8; 16];
        let iv = [9u8; 16];
        for n in [0, 1, 15, 16, 17, 100] {
            let msg = message(n);
            let (ct, _) = run("aes-128-cbc", &key, &iv, false, &[], &msg.chunks(3).collect::<Vec<_>>());
            assert_eq!(ct.len(), n / 16 * 16 + 16);
            let (pt, _) = run("aes-128-cbc", &key, &iv, true, &[], &[&ct]);
            assert_eq!(pt, msg);
        }
        let alg = algorithm("AES-128-CBC").expect("case-insensitive");
        let mut e = engine(alg, &[8u8; 16], &iv, true).expect("engine");
        let (ct, _) = run("aes-128-cbc", &key, &iv, false, &[], &[b"hello"]);
        let mut out = Vec::new();
        e.update(&ct, &mut out).expect("update");
        assert!(e.finish(&mut out).is_err_and(|m| m.contains("bad decrypt")));
        let mut e = engine(alg, &key, &iv, true).expect("engine");
        e.update(&ct[..15], &mut out).expect("update");
        assert!(e.finish(&mut out).is_err_and(|m| m.contains("wrong final block length")));
    }
}
