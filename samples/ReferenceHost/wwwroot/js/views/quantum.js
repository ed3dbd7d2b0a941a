// Dispatch quantum jobs, list them with their status, and show a job's counts (SVG histogram) and metrics.
import { $, h, clear, formatDateTime, formatMs, formatNumber, shortId, showFieldErrors, toast } from '../dom.js';
import { api, ApiError } from '../api.js';
import { histogram } from '../charts.js';
import { METRICS, SAMPLE_CIRCUITS } from '../samples.js';
import { state } from '../state.js';
import { busy } from './auth.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
let jobs = [];
let selectedJobId = null;
let pollTimer = null;
let backends = [];
let shownStatus = null;

export function initQuantum() {
  const sample = $('job-sample');
  for (const c of SAMPLE_CIRCUITS) sample.append(h('option', { value: c.id }, c.name));
  sample.addEventListener('change', () => {
    const c = SAMPLE_CIRCUITS.find((x) => x.id === sample.value);
    if (c && c.id !== 'custom') $('job-qasm').value = c.qasm;
    if (c?.id === 'custom') { $('job-qasm').value = ''; $('job-qasm').focus(); }
  });
  $('job-qasm').value = SAMPLE_CIRCUITS[0].qasm;
  $('job-qasm').addEventListener('input', () => {
    const c = SAMPLE_CIRCUITS.find((x) => x.id === sample.value);
    if (c && c.id !== 'custom' && $('job-qasm').value !== c.qasm) sample.value = 'custom';
  });
  $('job-backend').addEventListener('change', applyShotLimit);
  $('job-form').addEventListener('submit', submitJob);
  $('jobs-refresh').addEventListener('click', () => loadJobs().catch((e) => toast(e.message)));
  state.events.addEventListener('change', (e) => { if (e.detail === 'sessions' || e.detail === 'currentSessionId') renderSessionChoices(); });
  // A quantum event in the followed session: refresh the jobs (the poll would get there too, a bit later).
  state.events.addEventListener('agent-event', (e) => {
    if (String(e.detail?.agent_type ?? '').startsWith('quantum')) loadJobs().catch(() => {});
  });
  renderMetrics(null);
}

export async function loadQuantum() {
  const data = await api('/api/quantum/backends');
  backends = data.backends ?? [];
  const select = clear($('job-backend'));
  for (const b of backends) {
    select.append(h('option', { value: b.name, disabled: b.operational === false },
      `${b.name}${b.simulator ? ' (simulator)' : ''}${b.num_qubits ? ` · ${b.num_qubits} qubits` : ''}${b.operational === false ? ' · offline' : ''}`));
  }
  applyShotLimit();
  renderSessionChoices();
  await loadJobs();
}

function applyShotLimit() {
  const b = backends.find((x) => x.name === $('job-backend').value);
  if (b?.max_shots) $('job-shots').max = String(b.max_shots);
}

function renderSessionChoices() {
  const select = $('job-session');
  const keep = select.value || state.currentSessionId || '';
  clear(select).append(h('option', { value: '' }, 'No session'));
  for (const s of state.sessions) select.append(h('option', { value: s.session_id }, s.session_name));
  select.value = state.sessions.some((s) => s.session_id === keep) ? keep : (state.currentSessionId ?? '');
}

async function submitJob(e) {
  e.preventDefault();
  const form = e.currentTarget;
  $('job-error').textContent = '';
  const circuit = $('job-qasm').value;
  const shots = Number($('job-shots').value);
  const seedText = $('job-seed').value.trim();
  const local = {};
  if (!circuit.trim()) local.circuit = ['Paste an OpenQASM 2 or 3 program, or pick a sample.'];
  if (!Number.isInteger(shots) || shots < 1) local.shots = ['Shots must be a whole number of at least 1.'];
  const max = Number($('job-shots').max);
  if (max && shots > max) local.shots = [`This backend takes at most ${max.toLocaleString()} shots.`];
  if (seedText && !/^\d+$/.test(seedText)) local.seed = ['The seed must be a non-negative whole number.'];
  if (Object.keys(local).length) { showFieldErrors(form, 'job', local); return; }
  showFieldErrors(form, 'job', {});

  const body = { circuit, shots, backend: $('job-backend').value || undefined };
  if (seedText) body.seed = Number(seedText);
  if ($('job-session').value) body.session_id = $('job-session').value;
  const sample = SAMPLE_CIRCUITS.find((c) => c.id === $('job-sample').value);
  if (sample?.ideal && circuit === sample.qasm) body.ideal = sample.ideal;

  await busy(form, async () => {
    try {
      const accepted = await api('/api/quantum/jobs', { method: 'POST', body });
      toast(`Job ${shortId(accepted.job_id)} queued.`);
      selectedJobId = accepted.job_id;
      await loadJobs();
      await showJob(accepted.job_id);
    } catch (err) {
      const rest = err instanceof ApiError ? showFieldErrors(form, 'job', err.errors) : [];
      if (!(err instanceof ApiError) || !err.errors || rest.length) $('job-error').textContent = [err.message, ...rest].join(' ');
    }
  });
}

export async function loadJobs() {
  const data = await api('/api/quantum/jobs?limit=50');
  jobs = data.jobs ?? [];
  renderJobs();
  schedulePoll();
  // The selected job changed status (seen here first, e.g. after an agent event): refresh its details too.
  const selected = jobs.find((j) => j.job_id === selectedJobId);
  if (selected && selected.status !== shownStatus) await showJob(selectedJobId, { quiet: true });
}

function renderJobs() {
  const tbody = clear($('job-rows'));
  if (!jobs.length) {
    tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No jobs yet.')));
    return;
  }
  for (const j of jobs) {
    tbody.append(h('tr', { 'aria-selected': String(j.job_id === selectedJobId), 'data-job-id': j.job_id },
      h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': `Show job ${shortId(j.job_id)}`, onclick: () => { selectedJobId = j.job_id; renderJobs(); showJob(j.job_id); } }, shortId(j.job_id))),
      h('td', {}, j.backend),
      h('td', { class: 'num' }, formatNumber(j.shots)),
      h('td', {}, h('span', { class: `badge ${j.status}` }, j.status)),
      h('td', {}, formatDateTime(j.submitted_at)),
      h('td', { class: 'num' }, formatMs(j.run_ms))));
  }
}

function schedulePoll() {
  clearTimeout(pollTimer);
  if (jobs.some((j) => !TERMINAL.has(j.status))) {
    pollTimer = setTimeout(async () => {
      try {
        await loadJobs();
        if (selectedJobId) await showJob(selectedJobId, { quiet: true });
      } catch { schedulePoll(); }
    }, 750);
  }
}

async function showJob(jobId, { quiet = false } = {}) {
  let job;
  try {
    job = await api(`/api/quantum/jobs/${encodeURIComponent(jobId)}`);
  } catch (err) {
    if (!quiet) toast(err.message);
    return;
  }
  if (jobId !== selectedJobId) return;
  shownStatus = job.status;
  $('job-detail-empty').hidden = true;
  $('job-detail-body').hidden = false;
  $('job-detail-title').textContent = `Job ${shortId(job.job_id)} · ${job.backend} · ${formatNumber(job.shots)} shots`;
  const status = $('job-detail-status');
  status.textContent = job.status;
  status.className = `badge ${job.status}`;
  const chart = clear($('histogram'));
  if (job.counts) chart.append(histogram(job.counts, { label: `Counts of job ${shortId(job.job_id)}` }));
  else chart.append(h('p', { class: 'muted' }, TERMINAL.has(job.status) ? 'No counts.' : 'Waiting for the backend…'));
  renderMetrics(job.metrics);
  $('job-detail-error').textContent = job.error ?? '';
  if (!TERMINAL.has(job.status)) schedulePoll();
}

function renderMetrics(metrics) {
  const dl = clear($('metrics'));
  for (const m of METRICS) {
    const value = metrics ? metrics[m.key] : undefined;
    const descId = `metric-${m.key}-desc`;
    dl.append(h('div', { 'data-metric': m.key },
      h('dt', { title: m.meaning }, h('abbr', { title: m.meaning }, m.symbol), ` ${m.name}`),
      h('dd', { 'aria-describedby': descId, id: `metric-${m.key}` },
        value === undefined ? '—' : value === null ? h('span', { class: 'muted', title: metrics?.reason ? `not available: ${metrics.reason}` : 'not available for this job (no ideal, or too few bits)' }, 'n/a') : formatNumber(value, 6)),
      h('p', { class: 'desc', id: descId }, m.meaning)));
  }
}
