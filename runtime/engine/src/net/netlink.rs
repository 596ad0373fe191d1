//! Outbound Netlink for `connect(…, { protocol: 'netlink', netlinkFamily })` (Linux only): a raw
//! `AF_NETLINK` socket of the family, bound to the `bind` address (or left for the kernel to give
//! a port id), its default destination the target address (`'pid=0;groups=0'`: the kernel). Each
//! write is one datagram and each datagram received comes out as one Data. The stream ends when
//! the input ends (after what was queued is sent), as UDP does.

use super::queue::{WriteOp, WriteRx};
use crate::pipeline::StageHandle;
use crate::pipeline::context::Flow;
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event};
use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};
use tokio::io::Interest;
use tokio::net::UnixDatagram;

/// The largest datagram read at once (the kernel's dump replies stay well under it).
const RECEIVE_BUFFER: usize = 65536;

/// Opens the socket: family `family`, bound to `bind` (pid, groups), connected to `remote`.
///
/// Tokio's only safe way to watch a file descriptor of its own making is through one of its
/// socket types, so the Netlink socket is held in a `UnixDatagram`: that registers it with the
/// reactor and closes it when dropped, while every read and write goes through `rustix` on the
/// descriptor (never through the Unix-socket methods, which would assume the wrong family).
fn open(family: u32, bind: Option<(u32, u32)>, remote: (u32, u32)) -> std::io::Result<UnixDatagram> {
    // NETLINK_ROUTE is 0, which is "no protocol" to the socket call.
    let protocol = std::num::NonZeroU32::new(family).map(rustix::net::Protocol::from_raw);
    let fd = rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::NONBLOCK | SocketFlags::CLOEXEC,
        protocol,
    )?;
    let (pid, groups) = bind.unwrap_or((0, 0));
    rustix::net::bind(&fd, &SocketAddrNetlink::new(pid, groups))?;
    rustix::net::connect(&fd, &SocketAddrNetlink::new(remote.0, remote.1))?;
    UnixDatagram::from_std(std::os::unix::net::UnixDatagram::from(fd))
}

/// Runs the connection until the input ends or the socket fails.
pub async fn run(
    target: &str,
    family: u32,
    bind: Option<(u32, u32)>,
    handle: &StageHandle,
    mut rx: WriteRx,
    flow: &Flow,
    opened: impl FnOnce(),
) -> Result<(), ErrorCode> {
    let remote = pipy_protocols::netlink::parse_address(target).map_err(|e| {
        crate::log::error(&format!("[netlink] invalid address '{target}': {e}"));
        ErrorCode::ConnectionRefused
    })?;
    let sock = open(family, bind, remote).map_err(|e| {
        crate::log::error(&format!("[netlink] cannot open a Netlink socket of family {family}: {e}"));
        ErrorCode::ConnectionRefused
    })?;
    opened();
    let mut buf = vec![0u8; RECEIVE_BUFFER];
    loop {
        tokio::select! {
            op = rx.recv() => match op {
                Some(WriteOp::Data(b)) => {
                    let sent = sock.async_io(Interest::WRITABLE, || Ok(rustix::net::send(&sock, &b, SendFlags::empty())?)).await;
                    // Counted when queued (`Outbound::send`): the writer of the input waits on it.
                    flow.sub(true, b.len());
                    if let Err(e) = sent {
                        crate::log::error(&format!("[netlink] send: {e}"));
                        return Err(ErrorCode::ConnectionReset);
                    }
                }
                Some(WriteOp::End) | None => {
                    handle.emit(Event::end());
                    return Ok(());
                }
            },
            r = sock.async_io(Interest::READABLE, || Ok(rustix::net::recv(&sock, &mut buf[..], RecvFlags::TRUNC)?)) => match r {
                Ok((n, whole)) => {
                    if whole > n {
                        crate::log::warn(&format!("[netlink] a {whole}-byte datagram was cut to {n} bytes"));
                    }
                    handle.emit(Event::Data(Data::from(&buf[..n])));
                    if !handle.alive() {
                        return Ok(());
                    }
                }
                Err(e) => {
                    crate::log::error(&format!("[netlink] receive: {e}"));
                    return Err(ErrorCode::ConnectionReset);
                }
            }
        }
    }
}
