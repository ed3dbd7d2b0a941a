// The operator view (operator and admin roles): GET /api/operator/stats, refreshed every few seconds while shown.
import { $, h, clear, formatDateTime, formatMs, formatNumber, shortId } from '../dom.js';
import { api, ApiError } from '../api.js';

const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];
let timer = null;

export function initOperator() {
  $('operator-refresh').addEventListener('click', () => loadOperator());
  $('operator-window').addEventListener('change', () => loadOperator());
}

export function startOperator() {
  loadOperator();
  clearInterval(timer);
  timer = setInterval(loadOperator, 5000);
}

export function stopOperator() {
  clearInterval(timer);
  timer = null;
}

async function loadOperator() {
  let s;
  try {
    s = await api(`/api/operator/stats?window_hours=${encodeURIComponent($('operator-window').value)}&failures=20`);
  } catch (err) {
    $('operator-status').textContent = err instanceof ApiError && err.status === 403
      ? 'The operator view needs the operator or admin role.' : `Could not load the figures: ${err.message}`;
    if (err instanceof ApiError && err.status === 403) stopOperator();
    return;
  }
  $('operator-status').textContent = `Updated ${formatDateTime(s.generated_at)}.`;

  const summary = clear($('queue-summary'));
  for (const st of STATUSES) summary.append(h('div', { class: 'stat' }, h('b', {}, formatNumber(s.queue_by_status?.[st] ?? 0)), st));

  const types = [...new Set(s.queue.map((q) => q.task_type))].sort();
  const cell = (t, st) => s.queue.find((q) => q.task_type === t && q.status === st)?.count ?? 0;
  table($('queue-table'), 'Tasks by type and status', ['task type', ...STATUSES], types.map((t) => [t, ...STATUSES.map((st) => cell(t, st))]), 'No tasks stored.');

  table($('backend-table'), `Quantum jobs per backend over the last ${s.window_hours} hours`,
    ['backend', 'jobs', 'completed', 'failed', 'open', 'success rate', 'mean run', 'p95 run', 'mean queue wait'],
    s.backends.map((b) => [b.backend, b.total, b.completed, b.failed, b.open,
      b.success_rate == null ? '—' : `${(100 * b.success_rate).toFixed(1)} %`, formatMs(b.mean_run_ms), formatMs(b.p95_run_ms), formatMs(b.mean_queue_ms)]),
    'No jobs in this window.');

  table($('worker-table'), 'Workers holding a lease', ['worker', 'running tasks', 'lease until'],
    s.workers.map((w) => [w.worker_id, w.running_tasks, formatDateTime(w.lease_until)]), 'No worker is running a task right now.');

  table($('failure-table'), 'Most recent failed tasks', ['when', 'task', 'type', 'attempts', 'error'],
    s.recent_failures.map((f) => [formatDateTime(f.failed_at), shortId(f.task_id), f.task_type, f.attempts, f.error ?? '']), 'No failed tasks.');
}

function table(el, caption, headers, rows, empty) {
  clear(el).append(h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { scope: 'col', class: i && (!rows.length || typeof rows[0][i] === 'number') ? 'num' : undefined }, x)))));
  const tbody = h('tbody');
  if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty)));
  for (const r of rows) tbody.append(h('tr', {}, r.map((v, i) => h('td', { class: i && typeof v === 'number' ? 'num' : undefined }, typeof v === 'number' ? formatNumber(v) : v))));
  el.append(tbody);
}
