// Arena sessions (list, create, select) and the live event stream of the selected session.
import { $, h, clear, formatTime, showFieldErrors, toast } from '../dom.js';
import { api, ApiError } from '../api.js';
import { followSessionEvents } from '../sse.js';
import { state } from '../state.js';
import { busy } from './auth.js';

const MAX_ROWS = 1000;
let stream = null;
let eventCount = 0;

export function initArena() {
  $('session-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const name = $('session-name').value.trim();
    if (!name) { showFieldErrors(form, 'session', { name: ['Give the session a name.'] }); return; }
    showFieldErrors(form, 'session', {});
    await busy(form, async () => {
      try {
        const created = await api('/api/arena/session', { method: 'POST', body: { session_name: name } });
        form.reset();
        await loadSessions();
        selectSession(created.session_id);
        toast(`Session “${created.session_name}” created.`);
      } catch (err) {
        const rest = err instanceof ApiError ? showFieldErrors(form, 'session', { name: err.errors?.session_name ?? [err.message] }) : [err.message];
        if (rest.length) toast(rest.join(' '));
      }
    });
  });

  const log = $('event-log');
  log.addEventListener('scroll', () => {
    // Scrolling up pauses following; scrolling back to the bottom resumes it.
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    $('autoscroll').checked = atBottom;
  });
}

export async function loadSessions() {
  const data = await api('/api/arena/session');
  state.set('sessions', data.sessions ?? []);
  renderSessions();
  if (!state.currentSessionId && state.sessions.length) selectSession(state.sessions[0].session_id);
}

function renderSessions() {
  const list = clear($('session-list'));
  $('session-empty').hidden = state.sessions.length > 0;
  for (const s of state.sessions) {
    const selected = s.session_id === state.currentSessionId;
    list.append(h('li', {},
      h('button', { type: 'button', 'aria-pressed': String(selected), 'data-session-id': s.session_id, onclick: () => selectSession(s.session_id) },
        h('span', {}, s.session_name),
        h('span', { class: `badge ${s.status}` }, s.status))));
  }
}

export function selectSession(sessionId) {
  if (state.currentSessionId === sessionId && stream) return;
  stream?.close();
  state.set('currentSessionId', sessionId);
  renderSessions();
  clear($('event-rows'));
  eventCount = 0;
  updateCount();
  const session = state.sessions.find((s) => s.session_id === sessionId);
  $('events-title').textContent = session ? `Live events: ${session.session_name}` : 'Live events';
  $('events-hint').hidden = true;
  stream = followSessionEvents(sessionId, {
    onEvent: appendEvent,
    onState: (s) => {
      const badge = $('stream-state');
      badge.textContent = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', unauthorized: 'signed out', gone: 'session gone' }[s] ?? s;
      badge.className = `badge ${s}`;
    },
  });
}

export function stopStream() {
  stream?.close();
  stream = null;
}

function appendEvent({ id, type, data }) {
  const tbody = $('event-rows');
  const log = $('event-log');
  const follow = $('autoscroll').checked;
  const level = String(data.level ?? 'info').toLowerCase();
  const row = h('tr', { class: `level-${level} fresh`, 'data-event-id': id ?? '', 'data-event-type': data.event_type ?? type },
    h('td', {}, h('time', { datetime: data.created_at ?? '' }, formatTime(data.created_at))),
    h('td', {}, data.agent_type ?? ''),
    h('td', {}, data.event_type ?? type),
    h('td', {}, level),
    h('td', {}, data.message ?? ''));
  tbody.append(row);
  while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(0);
  eventCount++;
  updateCount();
  if (follow) log.scrollTop = log.scrollHeight;
  state.events.dispatchEvent(new CustomEvent('agent-event', { detail: data }));
}

function updateCount() {
  $('event-count').textContent = `${eventCount} event${eventCount === 1 ? '' : 's'}`;
}
