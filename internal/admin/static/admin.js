// grail admin: what the editor adds when JavaScript runs. Live preview,
// autosave (to the server and to this browser), slug suggestions, and
// uploads by the file button or by dropping files on the text. Without
// this script every form still works; it only saves round trips.
(() => {
  'use strict';

  const form = document.getElementById('editor');
  if (!form) return;

  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const title = $('title');
  const slug = $('slug');
  const body = $('body');
  const preview = $('preview');
  const status = $('autosave-status');
  const fileInput = $('file');
  const key = form.dataset.key;
  const kind = form.dataset.kind;

  const AUTOSAVE_EVERY_MS = 5000;
  const PREVIEW_DELAY_MS = 300;
  // The fields that hold the author's words; the rest (version, token)
  // change on every save and say nothing about unsaved work.
  const CONTENT_FIELDS = ['title', 'slug', 'date', 'status', 'categories', 'tags', 'summary', 'body'];

  function setStatus(text) {
    status.textContent = text;
  }

  function clock(date = new Date()) {
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  // post sends form data with the session's CSRF token in a header.
  function post(url, data) {
    return fetch(url, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf, Accept: 'application/json, text/html;q=0.9' },
    });
  }

  async function errorOf(res) {
    try {
      return (await res.json()).error ?? `The server answered ${res.status}.`;
    } catch {
      return `The server answered ${res.status}.`;
    }
  }

  // ---- Slug suggestions ----------------------------------------------------
  // Like the server's content.Slugify, near enough for a suggestion: the
  // server checks whatever the field holds when the form is saved.
  const latinBase = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ı: 'i', ŧ: 't' };
  function slugify(s) {
    return s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[łøđħıŧ]/g, (c) => latinBase[c])
      .replace(/[^\p{L}\p{N}_.]+/gu, '-')
      .replace(/^[-._]+|[-._]+$/g, '')
      .slice(0, 200);
  }

  // Only a new document follows its title: an existing one's slug is its
  // address, and links to it would break.
  let slugFollowsTitle = !key && (slug.value === '' || slug.value === slugify(title.value));
  title.addEventListener('input', () => {
    if (slugFollowsTitle) slug.value = slugify(title.value);
  });
  slug.addEventListener('input', () => {
    slugFollowsTitle = slug.value === '';
  });

  // ---- Live preview ----------------------------------------------------------
  let previewTimer;
  let previewSeq = 0;
  async function updatePreview() {
    const seq = ++previewSeq;
    const data = new FormData();
    data.append('body', body.value);
    try {
      const res = await post('/admin/preview', data);
      if (seq !== previewSeq) return; // a newer one is on its way
      if (!res.ok) {
        setStatus(`Preview: ${await errorOf(res)}`);
        return;
      }
      const html = await res.text();
      const doc = new DOMParser().parseFromString(html, 'text/html');
      preview.replaceChildren(...doc.body.childNodes);
      preview.classList.remove('stale');
    } catch {
      setStatus('The preview needs a connection to the server.');
    }
  }
  function schedulePreview() {
    clearTimeout(previewTimer);
    preview.classList.add('stale');
    previewTimer = setTimeout(updatePreview, PREVIEW_DELAY_MS);
  }
  body.addEventListener('input', schedulePreview);

  // ---- Autosave --------------------------------------------------------------
  function contentOf(data) {
    const out = new URLSearchParams();
    for (const name of CONTENT_FIELDS) out.set(name, data.get(name) ?? '');
    return out.toString();
  }
  const snapshot = () => contentOf(new FormData(form));
  const localKey = `grail-draft:${key || `new-${kind}`}`;

  function keepLocal(snap) {
    try {
      localStorage.setItem(localKey, JSON.stringify({ at: Date.now(), fields: snap }));
    } catch { /* storage full or disabled: the server copy remains */ }
  }
  function readLocal(k = localKey) {
    try {
      return JSON.parse(localStorage.getItem(k) ?? 'null');
    } catch {
      return null;
    }
  }
  function dropLocal(k = localKey) {
    try {
      localStorage.removeItem(k);
    } catch { /* nothing to drop */ }
  }

  function autosaveData() {
    const data = new FormData(form);
    data.delete('file');
    return data;
  }

  let saved = snapshot();
  let submitting = false;
  let autosaving = false;
  async function autosave() {
    const snap = snapshot();
    if (submitting || autosaving || snap === saved) return;
    keepLocal(snap);
    autosaving = true;
    try {
      const res = await post('/admin/autosave', autosaveData());
      if (!res.ok) {
        setStatus(`${await errorOf(res)} The draft is kept in this browser.`);
        return;
      }
      const answer = await res.json();
      saved = snap;
      setStatus(answer.kept === 'server' ? `Saved draft at ${answer.at}` : `Draft kept in this browser at ${clock()}`);
    } catch {
      setStatus(`Offline: draft kept in this browser at ${clock()}`);
    } finally {
      autosaving = false;
    }
  }
  setInterval(autosave, AUTOSAVE_EVERY_MS);

  // Leaving with unsaved words: keep them here, and send them to the server
  // in a way that outlives the page.
  window.addEventListener('pagehide', () => {
    const snap = snapshot();
    if (submitting || snap === saved) return;
    keepLocal(snap);
    navigator.sendBeacon('/admin/autosave', autosaveData());
  });

  form.addEventListener('submit', () => {
    submitting = true;
  });

  // Ctrl+S / ⌘S saves, as in every other editor.
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 's') {
      e.preventDefault();
      form.requestSubmit(form.querySelector('button[value="save"]'));
    }
  });

  // ---- Restoring text kept in this browser ---------------------------------
  function fill(fields) {
    const values = new URLSearchParams(fields);
    for (const name of CONTENT_FIELDS) {
      if (!values.has(name)) continue;
      const v = values.get(name);
      if (name === 'status') {
        const radio = form.querySelector(`input[name="status"][value="${v === 'publish' ? 'publish' : 'draft'}"]`);
        if (radio) radio.checked = true;
      } else if (form.elements[name]) {
        form.elements[name].value = v;
      }
    }
    schedulePreview();
  }

  function offerLocal() {
    // A new document that has been saved since is no longer pending.
    if (key) {
      const pendingNew = readLocal(`grail-draft:new-${kind}`);
      if (pendingNew && pendingNew.fields === saved) dropLocal(`grail-draft:new-${kind}`);
    }
    const local = readLocal();
    // The server kept it too and offers it already: one offer is enough.
    const serverOffers = document.querySelector('.offer') !== null;
    if (!local || local.fields === saved || serverOffers) {
      dropLocal();
      return;
    }
    const box = $('restore-local');
    $('restore-local-text').textContent =
      `Text you wrote at ${clock(new Date(local.at))} on ${new Date(local.at).toLocaleDateString()} is kept in this browser but was not saved.`;
    box.hidden = false;
    $('restore-local-yes').addEventListener('click', () => {
      fill(local.fields);
      box.hidden = true;
      setStatus('Restored the text kept in this browser. Save to keep it.');
      body.focus();
    });
    $('restore-local-no').addEventListener('click', () => {
      dropLocal();
      box.hidden = true;
      title.focus();
    });
  }

  // ---- Uploads ---------------------------------------------------------------
  function showUploadError(text) {
    let p = $('upload-error');
    if (!p) {
      p = document.createElement('p');
      p.id = 'upload-error';
      p.className = 'error';
      p.setAttribute('role', 'alert');
      fileInput.closest('.field').append(p);
    }
    p.textContent = text;
  }
  function clearUploadError() {
    $('upload-error')?.remove();
  }

  // insertAtCursor puts text where the cursor is, on a line of its own.
  function insertAtCursor(text) {
    const start = body.selectionStart;
    const end = body.selectionEnd;
    const before = body.value.slice(0, start);
    const after = body.value.slice(end);
    const lead = before === '' || before.endsWith('\n') ? '' : '\n';
    const tail = after.startsWith('\n') ? '' : '\n';
    body.focus();
    body.setRangeText(lead + text + tail, start, end, 'end');
    body.dispatchEvent(new Event('input', { bubbles: true }));
  }

  async function uploadFiles(files) {
    clearUploadError();
    for (const file of files) {
      setStatus(`Uploading ${file.name}…`);
      const data = new FormData();
      data.append('file', file, file.name);
      let res;
      try {
        res = await post('/admin/upload', data);
      } catch {
        showUploadError(`${file.name} was not uploaded: no connection to the server.`);
        continue;
      }
      if (!res.ok) {
        showUploadError(await errorOf(res));
        setStatus('');
        continue;
      }
      const answer = await res.json();
      insertAtCursor(answer.markdown);
      setStatus(answer.notice ? `Uploaded. ${answer.notice}` : `Uploaded ${file.name}`);
    }
  }

  fileInput.addEventListener('change', async () => {
    const files = [...fileInput.files];
    // Sent now: the form must not send it again when saved.
    fileInput.value = '';
    await uploadFiles(files);
  });

  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  body.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    body.classList.add('dragging');
  });
  body.addEventListener('dragleave', () => body.classList.remove('dragging'));
  body.addEventListener('drop', (e) => {
    body.classList.remove('dragging');
    if (!e.dataTransfer?.files?.length) return;
    e.preventDefault();
    uploadFiles([...e.dataTransfer.files]);
  });

  // The file input says what it does once the script handles it.
  $('file-hint').textContent += ' It is uploaded as soon as you choose it, and its link goes where the cursor is.';
  $('preview-placeholder')?.remove();
  offerLocal();
  updatePreview();
})();
