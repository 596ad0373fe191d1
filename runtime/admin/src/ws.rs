//! WebSockets of the admin service: `/api/v1/log/<uuid>/<name>` streams a log (the client sends
//! `watch\n`, then gets the lines kept so far and every new one).

use crate::host::Host;
use crate::server::{Body, not_found, text};
use futures_util::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use hyper::{Request, Response, StatusCode};
use std::sync::Arc;
use tokio_tungstenite::tungstenite::protocol::{Message, Role};

/// Answers a WebSocket upgrade with 101 and serves the socket on its own task.
pub(crate) fn upgrade(host: Arc<Host>, req: Request<Incoming>, path: String) -> Response<Body> {
    let Some(key) = req.headers().get(SEC_WEBSOCKET_KEY).map(|k| k.as_bytes().to_vec()) else {
        return text(StatusCode::BAD_REQUEST, "Missing sec-websocket-key\n");
    };
    if let (Some(rest), Some(state)) = (path.strip_prefix("/repo/"), host.repo.as_ref()) {
        // A worker's admin link: `/repo/<codebase>/<uuid>`.
        let Some((cb, uuid)) = rest.rsplit_once('/') else { return not_found() };
        let cb = format!("/{cb}");
        if uuid.is_empty() || state.repo().info(&cb).is_none() {
            return not_found();
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        state.add_link(uuid, &cb, tx);
        let uuid = uuid.to_string();
        return accept(req, &key, move |ws| admin_link(host, uuid, ws, rx));
    }
    let log_name = match path.strip_prefix("/api/v1/log/") {
        Some(rest) => {
            let (uuid, name) = rest.split_once('/').unwrap_or(("", rest));
            let name = if name.is_empty() { pipy_engine::log::history::MAIN } else { name }.to_string();
            if !uuid.is_empty() && uuid != host.uuid {
                // A worker's log, through its admin link.
                if !host.repo.as_ref().is_some_and(|r| r.linked(uuid)) {
                    return not_found();
                }
                let uuid = uuid.to_string();
                return accept(req, &key, move |ws| watch_remote_log(host, ws, uuid, name));
            }
            name
        }
        None => return not_found(),
    };
    accept(req, &key, move |ws| async move { watch_log(ws, &log_name).await })
}

type Socket = tokio_tungstenite::WebSocketStream<hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>>;

/// Answers 101 and hands the socket to `serve` on a task of its own once the upgrade is done.
fn accept<F, Fut>(req: Request<Incoming>, key: &[u8], serve: F) -> Response<Body>
where
    F: FnOnce(Socket) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key);
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(req).await else { return };
        let io = hyper_util::rt::TokioIo::new(upgraded);
        serve(tokio_tungstenite::WebSocketStream::from_raw_socket(io, Role::Server, None).await).await;
    });
    let mut r = text(StatusCode::SWITCHING_PROTOCOLS, bytes::Bytes::new());
    let h = r.headers_mut();
    h.remove(hyper::header::CONTENT_TYPE);
    h.insert(UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(CONNECTION, HeaderValue::from_static("upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept) {
        h.insert(SEC_WEBSOCKET_ACCEPT, v);
    }
    r
}

async fn watch_log(mut ws: Socket, name: &str) {
    // Nothing is sent before the client asks with `watch`.
    if !wait_watch(&mut ws).await {
        return;
    }
    let (past, mut rx) = pipy_engine::log::history::watch(name);
    if !past.is_empty() && ws.send(Message::Text(String::from_utf8_lossy(&past).into_owned().into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            line = rx.recv() => {
                let Some(line) = line else { return };
                if ws.send(Message::Text(String::from_utf8_lossy(&line).into_owned().into())).await.is_err() {
                    return;
                }
            }
            msg = ws.next() => match msg {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                _ => {}
            }
        }
    }
}

/// Waits for the client's `watch` (false if it hung up first).
async fn wait_watch(ws: &mut Socket) -> bool {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.trim() == "watch" => return true,
            Some(Ok(Message::Binary(b))) if String::from_utf8_lossy(&b).trim() == "watch" => return true,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return false,
            _ => {}
        }
    }
}

/// A console watching a worker's log: the lines come from the worker over its admin link.
async fn watch_remote_log(host: Arc<Host>, mut ws: Socket, uuid: String, name: String) {
    let Some(state) = host.repo.as_ref() else { return };
    if !wait_watch(&mut ws).await {
        return;
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    state.watch_log(&uuid, &name, tx);
    loop {
        tokio::select! {
            data = rx.recv() => {
                let Some(data) = data else { break };
                if ws.send(Message::Text(String::from_utf8_lossy(&data).into_owned().into())).await.is_err() {
                    break;
                }
            }
            msg = ws.next() => match msg {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                _ => {}
            }
        }
    }
    drop(rx);
    state.unwatch_log(&uuid, &name);
}

/// The repo's side of a worker's admin link: sends it commands (`reload`, `log/on/<name>`…)
/// and passes the log lines it sends to the consoles that watch them, until either side hangs
/// up.
async fn admin_link(
    host: Arc<Host>,
    uuid: String,
    mut ws: Socket,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<String>,
) {
    loop {
        tokio::select! {
            cmd = rx.recv() => {
                let Some(cmd) = cmd else { return };
                if ws.send(Message::Text(cmd.into())).await.is_err() {
                    return;
                }
            }
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(t))) => {
                    if let Some(state) = &host.repo {
                        state.worker_said(&uuid, &t);
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                _ => {}
            }
        }
    }
}
