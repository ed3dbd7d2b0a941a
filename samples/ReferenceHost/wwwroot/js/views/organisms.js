// Organism mutation (child, diff and lineage tree) and evolution runs (fitness per generation as a line chart).
// Both are queued tasks: the page polls GET /api/tasks/{id} until the task finishes.
import { $, h, clear, shortId, showFieldErrors, toast } from '../dom.js';
import { api, ApiError } from '../api.js';
import { lineChart } from '../charts.js';
import { lineDiff } from '../diff.js';
import { SAMPLE_GENOME, SAMPLE_PARTNER } from '../samples.js';
import { state } from '../state.js';
import { busy } from './auth.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function initOrganisms() {
  $('mutate-sample').addEventListener('click', () => {
    $('mutate-genome').value = SAMPLE_GENOME;
    if (!$('mutate-partner').value) $('mutate-partner').value = SAMPLE_PARTNER;
    $('mutate-genome').focus();
  });
  $('mutate-operator').addEventListener('change', () => {
    const crossover = $('mutate-operator').value === 'crossover';
    $('mutate-partner-wrap').hidden = !crossover;
    if (crossover && !$('mutate-partner').value) $('mutate-partner').value = SAMPLE_PARTNER;
  });
  $('mutate-form').addEventListener('submit', mutate);
  $('evolve-form').addEventListener('submit', evolve);
}

/** Polls a task until it is completed, failed or cancelled (or the time is up). */
async function waitForTask(taskId, onStatus, timeoutMs = 120000) {
  const started = Date.now();
  let delay = 300;
  for (;;) {
    const task = await api(`/api/tasks/${encodeURIComponent(taskId)}`);
    onStatus(task);
    if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
    if (Date.now() - started > timeoutMs) throw new Error(`task ${shortId(taskId)} is still ${task.status} after ${timeoutMs / 1000} s`);
    await sleep(delay);
    delay = Math.min(delay * 1.5, 2000);
  }
}

async function mutate(e) {
  e.preventDefault();
  const form = e.currentTarget;
  $('mutate-error').textContent = '';
  const genome = $('mutate-genome').value;
  const op = $('mutate-operator').value;
  const seedText = $('mutate-seed').value.trim();
  const local = {};
  if (!genome.trim()) local.organism_genome = ['Paste a genome or use the sample.'];
  if (seedText && !/^\d+$/.test(seedText)) local.seed = ['The seed must be a non-negative whole number.'];
  if (op === 'crossover' && !$('mutate-partner').value.trim()) local.partner_genome = ['Crossover needs a partner genome.'];
  if (Object.keys(local).length) { showFieldErrors(form, 'mutate', local); return; }
  showFieldErrors(form, 'mutate', {});

  const body = { organism_genome: genome, mutation_type: op };
  if (seedText) body.seed = Number(seedText);
  const rate = Number($('mutate-rate').value);
  if (op === 'evolve' && Number.isFinite(rate)) body.mutation_parameters = { rate };
  if (op === 'crossover') body.partner_genome = $('mutate-partner').value;
  if (state.currentSessionId) body.session_id = state.currentSessionId;

  await busy(form, async () => {
    try {
      const accepted = await api('/api/organisms/mutate', { method: 'POST', body });
      $('mutate-status').textContent = `Task ${shortId(accepted.task_id)} queued (seed ${accepted.seed ?? body.seed ?? '—'}).`;
      const task = await waitForTask(accepted.task_id, (t) => { $('mutate-status').textContent = `Task ${shortId(t.task_id)}: ${t.status}…`; });
      if (task.status !== 'completed') {
        $('mutate-status').textContent = `Task ${shortId(task.task_id)} ${task.status}: ${task.error ?? 'no error recorded'}`;
        $('mutate-result').hidden = true;
        return;
      }
      $('mutate-status').textContent = `Task ${shortId(task.task_id)} completed.`;
      await showMutation(genome, op, task.result ?? {});
    } catch (err) {
      const rest = err instanceof ApiError ? showFieldErrors(form, 'mutate', err.errors) : [];
      if (!(err instanceof ApiError) || !err.errors || rest.length) $('mutate-error').textContent = [err.message, ...rest].join(' ');
    }
  });
}

/** The child genome in a mutation result, whichever of the usual shapes it has. */
function childOf(result) {
  if (typeof result.child === 'object' && result.child) return result.child;
  const organisms = Array.isArray(result.organisms) ? result.organisms : null;
  if (organisms?.length) return organisms[organisms.length - 1];
  return { genome: result.child_genome ?? result.genome, organism_id: result.organism_id ?? result.child_id, name: result.name, parents: result.parent_ids, dna_sha256: result.dna_sha256 };
}

async function showMutation(parentGenome, op, result) {
  const child = childOf(result);
  const childGenome = child.genome ?? child.dna_code ?? '';
  $('mutate-result').hidden = false;
  $('mutate-child').textContent = childGenome || JSON.stringify(result, null, 2);

  const diff = clear($('mutate-diff'));
  const lines = lineDiff(parentGenome, childGenome);
  const changed = lines.filter((l) => l.op !== ' ').length;
  for (const l of lines) diff.append(h('span', { class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same' }, `${l.op} ${l.text}`));
  if (!changed) diff.append(h('span', { class: 'same' }, '(no line changed)'));

  const tree = clear($('lineage'));
  const childId = child.organism_id ?? child.id ?? null;
  let edges = null;
  if (childId) {
    try { edges = (await api(`/api/organisms/${encodeURIComponent(childId)}/lineage`)).ancestry ?? null; } catch { edges = null; }
  }
  tree.append(edges?.length ? treeFromEdges(childId, edges) : simpleTree(op, result, child));
}

/** A nested list from ancestry edges (child → parents), the child at the root. */
function treeFromEdges(rootId, edges) {
  const parents = new Map();
  for (const e of edges) {
    if (!parents.has(e.organism_id)) parents.set(e.organism_id, []);
    parents.get(e.organism_id).push(e);
  }
  const seen = new Set();
  const node = (id, label, current) => {
    const li = h('li', {}, h('span', { class: `node${current ? ' current' : ''}`, title: id }, label));
    if (seen.has(id)) return li;
    seen.add(id);
    const ps = parents.get(id) ?? [];
    if (ps.length) li.append(h('ul', {}, ps.map((e) => node(e.parent_id, `${shortId(e.parent_id)} (${e.operator} → gen ${e.generation})`, false))));
    return li;
  };
  return h('ul', { 'aria-label': 'Lineage, newest first' }, node(rootId, `${shortId(rootId)} (child)`, true));
}

/** The lineage known from the request alone: parent (and partner) → child. */
function simpleTree(op, result, child) {
  const parentIds = Array.isArray(child.parents) ? child.parents : [];
  const parentLabel = (i) => (parentIds[i] ? shortId(parentIds[i].organism_id ?? parentIds[i].id ?? parentIds[i]) : i === 0 ? 'parent' : 'partner');
  const parents = op === 'crossover' ? [parentLabel(0), parentLabel(1)] : [parentLabel(0)];
  return h('ul', { 'aria-label': 'Lineage' },
    parents.map((p) => h('li', {}, h('span', { class: 'node' }, p),
      h('ul', {}, h('li', {}, h('span', { class: 'node current' }, `${child.name ?? 'child'} (${op})${child.dna_sha256 ? ` · ${String(child.dna_sha256).slice(0, 12)}` : ''}`))))));
}

async function evolve(e) {
  e.preventDefault();
  const form = e.currentTarget;
  $('evolve-error').textContent = '';
  const genome = $('mutate-genome').value;
  if (!genome.trim()) { $('evolve-error').textContent = 'Put a seed genome in the mutation form above (or use the sample).'; return; }
  const config = {
    population_size: Number($('evolve-population').value),
    generations: Number($('evolve-generations').value),
    seed: Number($('evolve-seed').value),
  };
  const body = { agent_type: 'organism', task_type: 'organism:evolve', task_payload: { population: [genome], config } };
  if (state.currentSessionId) body.session_id = state.currentSessionId;
  await busy(form, async () => {
    try {
      const accepted = await api('/api/agents/dispatch', { method: 'POST', body });
      const task = await waitForTask(accepted.task_id, (t) => { $('evolve-status').textContent = `Task ${shortId(t.task_id)}: ${t.status}…`; }, 600000);
      if (task.status !== 'completed') {
        $('evolve-status').textContent = `Task ${shortId(task.task_id)} ${task.status}: ${task.error ?? 'no error recorded'}`;
        return;
      }
      const history = historyOf(task.result ?? {});
      $('evolve-status').textContent = history.length ? `${history.length} generations.` : 'The run finished without a per-generation history.';
      const chart = clear($('fitness-chart'));
      if (history.length) {
        chart.append(lineChart([
          { name: 'best fitness', values: history.map((g) => pick(g, 'max_fitness', 'best_fitness', 'max')) },
          { name: 'mean fitness', values: history.map((g) => pick(g, 'average_fitness', 'avg_fitness', 'mean_fitness', 'mean')) },
        ], { label: 'Fitness per generation' }));
      }
    } catch (err) {
      $('evolve-error').textContent = err.message;
      if (err instanceof ApiError && err.status === 403) toast('Evolution needs the researcher or admin role.');
    }
  });
}

function historyOf(result) {
  for (const key of ['history', 'generations', 'summaries']) if (Array.isArray(result[key])) return result[key];
  return [];
}

function pick(obj, ...keys) {
  for (const k of keys) if (typeof obj[k] === 'number') return obj[k];
  return null;
}

