// Server-Sent Events over fetch (EventSource cannot send the Authorization header): reads the text/event-stream
// body, and on any end or error reconnects with Last-Event-ID set to the last event seen, so that the server replays
// exactly what was missed (no gaps); ids at or below the last one are dropped (no duplicates).
import { auth, refreshTokens } from './api.js';

const sleep = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

/**
 * Follows one session's events. handlers.onEvent({ id, type, data }) for each event, handlers.onState(state) with
 * 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'gone'. Returns { close(), lastEventId }.
 */
export function followSessionEvents(sessionId, handlers, lastEventId = null) {
  let lastId = lastEventId;
  let retryMs = 2000;
  let failures = 0;
  const stop = new AbortController();

  async function run() {
    while (!stop.signal.aborted) {
      handlers.onState?.(failures === 0 ? 'connecting' : 'reconnecting');
      try {
        const headers = { Accept: 'text/event-stream' };
        if (auth.accessToken) headers.Authorization = `Bearer ${auth.accessToken}`;
        if (lastId !== null) headers['Last-Event-ID'] = String(lastId);
        const res = await fetch(`/api/arena/events/stream?session_id=${encodeURIComponent(sessionId)}`, { headers, signal: stop.signal, cache: 'no-store' });
        if (res.status === 401) {
          if (await refreshTokens()) continue;
          handlers.onState?.('unauthorized');
          return;
        }
        if (res.status === 404) { handlers.onState?.('gone'); return; }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        failures = 0;
        handlers.onState?.('live');
        await readFrames(res.body, (frame) => {
          if (frame.retry !== undefined) retryMs = frame.retry;
          if (frame.data === undefined) return;
          const id = frame.id !== undefined && frame.id !== '' ? Number(frame.id) : null;
          if (id !== null && lastId !== null && id <= lastId) return;
          if (id !== null) lastId = id;
          let data;
          try { data = JSON.parse(frame.data); } catch { data = { message: frame.data }; }
          handlers.onEvent({ id, type: frame.event || 'message', data });
        });
      } catch {
        // network error or abort: fall through to the reconnect delay
      }
      if (stop.signal.aborted) return;
      failures++;
      handlers.onState?.('reconnecting');
      await sleep(Math.min(retryMs * failures, 15000), stop.signal);
    }
  }

  run();
  return {
    close() { stop.abort(); },
    get lastEventId() { return lastId; },
  };
}

/** Parses an event stream: calls onFrame({ id?, event?, data?, retry? }) at each blank line. */
async function readFrames(body, onFrame) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let frame = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    for (;;) {
      const nl = buffer.search(/\r\n|\n|\r/);
      if (nl < 0) break;
      if (buffer[nl] === '\r' && nl === buffer.length - 1) break; // wait: the \n of a \r\n may come next
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? 2 : 1));
      if (line === '') {
        if (frame.data !== undefined || frame.retry !== undefined) onFrame(frame);
        frame = {};
        continue;
      }
      if (line.startsWith(':')) continue; // comment (keep-alive)
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else if (field === 'id') frame.id = value;
      else if (field === 'event') frame.event = value;
      else if (field === 'retry' && /^\d+$/.test(value)) frame.retry = Number(value);
    }
  }
}
