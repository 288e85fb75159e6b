// The Haul web page: submits a problem to POST /v1/jobs, polls GET /v1/jobs/{id} until the job
// ends, then shows GET /v1/jobs/{id}/plan.svg and offers the plan JSON for download.
// Plain JavaScript, no dependencies; served by `haul serve` from the binary.
'use strict';

(() => {
  const TOKEN_KEY = 'haul.token';
  const POLL_MS = 500;
  const FINAL = new Set(['succeeded', 'failed', 'cancelled']);
  const $ = (id) => document.getElementById(id);

  /** An HTTP answer other than 2xx: its status line and its body as the server sent it. */
  class ApiError extends Error {
    constructor(method, path, response, body) {
      super(`${method} ${path}: HTTP ${response.status} ${response.statusText}`.trim());
      this.status = response.status;
      this.body = body;
    }
  }

  // Each submission or watched job gets a new generation; older polls see the change and stop.
  let generation = 0;
  let currentJob = null;
  const blobURLs = [];

  function authHeaders(extra) {
    const headers = Object.assign({}, extra);
    const token = $('token').value.trim();
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  /** fetch(), returning the body text of a 2xx answer and throwing ApiError for any other. */
  async function call(method, path, body, accept) {
    const headers = authHeaders(body === undefined ? {} : { 'Content-Type': 'application/json' });
    if (accept) headers.Accept = accept;
    const response = await fetch(path, { method, headers, body, cache: 'no-store' });
    const text = await response.text();
    if (!response.ok) throw new ApiError(method, path, response, text);
    return text;
  }

  function showError(error) {
    $('error').hidden = false;
    const hint = $('error-hint');
    hint.hidden = true;
    if (error instanceof ApiError) {
      $('error-summary').textContent = error.message;
      $('error-body').textContent = error.body; // verbatim: the JSON names the rule and the paths
      $('error-body').hidden = error.body === '';
      if (error.status === 401) {
        hint.hidden = false;
        hint.textContent = $('token').value.trim()
          ? 'The server does not know this token.'
          : 'This server needs an API token: enter your tenant\'s token above.';
      }
    } else {
      $('error-summary').textContent = String(error && error.message ? error.message : error);
      $('error-body').textContent = '';
      $('error-body').hidden = true;
    }
  }

  function clearError() {
    $('error').hidden = true;
  }

  function revokeBlobs() {
    while (blobURLs.length) URL.revokeObjectURL(blobURLs.pop());
  }

  function blobLink(anchor, text, type, filename) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    blobURLs.push(url);
    anchor.href = url;
    anchor.download = filename;
    anchor.hidden = false;
  }

  function formatNumber(value, absent = 'none') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return absent;
    return Number.isInteger(value) ? String(value) : value.toFixed(3);
  }

  // ---- Examples, file upload, token ----

  async function loadExampleList() {
    const select = $('example');
    try {
      const list = JSON.parse(await call('GET', '/examples'));
      for (const example of list.examples) {
        const option = document.createElement('option');
        option.value = example.name;
        option.textContent = example.kind ? `${example.name} (${example.kind})` : example.name;
        select.append(option);
      }
    } catch (error) {
      showError(error);
    }
  }

  async function loadExample(name) {
    const text = await call('GET', `/examples/${encodeURIComponent(name)}.json`);
    $('problem').value = text;
    $('example').value = name;
  }

  // ---- Jobs ----

  async function submit() {
    const problem = $('problem').value;
    if (!problem.trim()) {
      showError(new Error('Paste a problem, upload a file or load an example first.'));
      return;
    }
    clearError();
    const button = $('submit');
    button.disabled = true;
    try {
      const job = JSON.parse(await call('POST', '/v1/jobs', problem));
      history.replaceState(null, '', `${location.pathname}${location.search}#job=${encodeURIComponent(job.id)}`);
      watch(job);
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
  }

  function showJob(job) {
    $('job').hidden = false;
    $('job-id').textContent = job.id;
    const status = $('job-status');
    status.textContent = job.status || 'loading';
    status.dataset.status = job.status || '';
    const progress = job.status === 'succeeded' ? 1 : Math.min(1, Math.max(0, Number(job.progress) || 0));
    $('job-progress').value = progress;
    $('job-progress-text').textContent = `${Math.round(progress * 100)} %`;
    // The worker reports its best objective every half second; a finished plan has the final one.
    const best = job.plan && typeof job.plan.objective === 'number' ? job.plan.objective : job.bestObjective;
    $('job-best').textContent = formatNumber(best, FINAL.has(job.status) ? 'none' : 'none yet');
    $('job-attempts').textContent = job.attempts === undefined ? '' : `${job.attempts} of ${job.maxAttempts}`;
    $('cancel').hidden = !job.status || FINAL.has(job.status);
  }

  /** Shows `job` and polls it until it ends; a later call (or submission) stops this one. */
  function watch(job) {
    const mine = ++generation;
    currentJob = job.id;
    revokeBlobs();
    $('plan-section').hidden = true;
    $('plan-picture').replaceChildren();
    showJob(job);
    const tick = async () => {
      if (mine !== generation) return;
      let latest;
      try {
        latest = JSON.parse(await call('GET', `/v1/jobs/${encodeURIComponent(job.id)}`));
      } catch (error) {
        if (mine !== generation) return;
        showError(error);
        // 4xx will not get better by asking again (unknown job, bad token); anything else may.
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return;
        setTimeout(tick, POLL_MS * 4);
        return;
      }
      if (mine !== generation) return;
      showJob(latest);
      if (!FINAL.has(latest.status)) {
        setTimeout(tick, POLL_MS);
        return;
      }
      if (latest.status === 'succeeded') {
        await showPlan(latest, mine);
      } else {
        showError(new Error(`The job ${latest.status}${latest.error ? `: ${latest.error}` : '.'}`));
      }
    };
    // A job known only by its id (from the address) is asked for at once.
    setTimeout(tick, job.status ? POLL_MS : 0);
  }

  async function showPlan(job, mine) {
    clearError();
    const plan = job.plan;
    $('plan-section').hidden = false;
    if (plan) {
      const parts = [`status ${plan.status}`, `objective ${formatNumber(plan.objective)}`];
      if (typeof plan.bound === 'number') parts.push(`bound ${formatNumber(plan.bound)}`);
      if (typeof plan.gap === 'number') parts.push(`gap ${(plan.gap * 100).toFixed(2)} %`);
      $('plan-summary').textContent = `${plan.kind} plan: ${parts.join(', ')}.`;
      blobLink($('download-plan'), `${JSON.stringify(plan, null, 2)}\n`, 'application/json', `job-${job.id}-plan.json`);
    }
    try {
      const svg = await call('GET', `/v1/jobs/${encodeURIComponent(job.id)}/plan.svg`, undefined, 'image/svg+xml');
      if (mine !== generation) return;
      $('plan-picture').replaceChildren(pictureFrom(svg));
      blobLink($('download-svg'), svg, 'image/svg+xml', `job-${job.id}-plan.svg`);
    } catch (error) {
      if (mine === generation) showError(error);
    }
  }

  /**
   * The server's SVG as a node of this page, without anything that could run or load: scripts,
   * foreign objects, event-handler attributes and links outside the picture are dropped.
   */
  function pictureFrom(text) {
    const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = parsed.documentElement;
    if (svg.localName !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) {
      throw new Error('The server sent a picture that is not SVG.');
    }
    for (const node of [...svg.querySelectorAll('script, foreignObject, iframe, object, embed')]) node.remove();
    for (const node of [svg, ...svg.querySelectorAll('*')]) {
      for (const attribute of [...node.attributes]) {
        const name = attribute.name.toLowerCase();
        const external = (name === 'href' || name === 'xlink:href') && !attribute.value.trim().startsWith('#');
        if (name.startsWith('on') || external) node.removeAttribute(attribute.name);
      }
    }
    if (!svg.hasAttribute('viewBox') && svg.hasAttribute('width') && svg.hasAttribute('height')) {
      svg.setAttribute('viewBox', `0 0 ${parseFloat(svg.getAttribute('width'))} ${parseFloat(svg.getAttribute('height'))}`);
    }
    return document.importNode(svg, true);
  }

  async function cancel() {
    if (!currentJob) return;
    try {
      showJob(JSON.parse(await call('DELETE', `/v1/jobs/${encodeURIComponent(currentJob)}`)));
    } catch (error) {
      showError(error);
    }
  }

  // ---- Start-up: the form, the stored token, the address's fragment ----

  /** `#token=T&example=NAME&submit=1` or `#job=ID`; the token is removed from the address at once. */
  async function applyFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.has('token')) {
      $('token').value = params.get('token');
      sessionStorage.setItem(TOKEN_KEY, params.get('token'));
      params.delete('token');
      const rest = params.toString();
      history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    }
    if (params.get('example')) {
      try {
        await loadExample(params.get('example'));
      } catch (error) {
        showError(error);
        return;
      }
      if (params.get('submit') === '1') await submit();
    } else if (params.get('job')) {
      watch({ id: params.get('job') });
    }
  }

  function start() {
    const token = $('token');
    token.value = sessionStorage.getItem(TOKEN_KEY) || '';
    token.addEventListener('input', () => {
      if (token.value) sessionStorage.setItem(TOKEN_KEY, token.value);
      else sessionStorage.removeItem(TOKEN_KEY);
    });
    $('example').addEventListener('change', async (event) => {
      if (!event.target.value) return;
      clearError();
      try {
        await loadExample(event.target.value);
      } catch (error) {
        showError(error);
      }
    });
    $('file').addEventListener('change', async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      clearError();
      try {
        $('problem').value = await file.text();
        $('example').value = '';
      } catch (error) {
        showError(error);
      }
    });
    $('problem-form').addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
    });
    $('cancel').addEventListener('click', cancel);
    loadExampleList().then(applyFragment);
  }

  start();
})();
