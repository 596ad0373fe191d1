// Live log over the admin WebSocket /api/v1/log/<uuid>/<name>: send "watch\n",
// then every message is log text (first the recent history, then new lines).
// Reconnects with a growing delay when the socket drops.
import { logSocketUrl } from './api.js';

const MAX_CHUNKS = 2000;

export class LogStream {
  constructor(output, onStatus) {
    this.output = output;
    this.onStatus = onStatus;
    this.ws = null;
    this.timer = null;
    this.delay = 1000;
    this.uuid = '';
    this.name = 'pipy_log';
    this.decoder = new TextDecoder();
    this.follow = true;
    output.addEventListener('scroll', () => {
      const o = this.output;
      this.follow = o.scrollTop + o.clientHeight >= o.scrollHeight - 8;
    });
  }

  watch(uuid, name) {
    this.uuid = uuid || '';
    this.name = name || 'pipy_log';
    this.close();
    this.connect();
  }

  close() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onerror = ws.onmessage = ws.onopen = null;
      try { ws.close(); } catch (e) { /* already closed */ }
    }
  }

  connect() {
    const url = logSocketUrl(this.uuid, this.name);
    this.onStatus('connecting', url);
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this.onStatus('error', String(e.message || e));
      this.retry();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.delay = 1000;
      this.clear();
      ws.send('watch\n');
      this.onStatus('connected', url);
    };
    ws.onmessage = e => {
      const text = typeof e.data === 'string' ? e.data : this.decoder.decode(e.data);
      this.append(text);
    };
    ws.onerror = () => { /* onclose follows and reports */ };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onStatus('disconnected', url);
      this.retry();
    };
  }

  retry() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, 10000);
  }

  clear() {
    while (this.output.firstChild) this.output.removeChild(this.output.firstChild);
  }

  append(text) {
    const o = this.output;
    o.append(document.createTextNode(text));
    while (o.childNodes.length > MAX_CHUNKS) o.removeChild(o.firstChild);
    if (this.follow) o.scrollTop = o.scrollHeight;
  }
}
