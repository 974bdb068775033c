// The CLM web form: ODK Web Forms renders the XForm; every submission is first stored in the
// browser (IndexedDB), then sent to the project's OpenRosa submission endpoint — at once when
// online, otherwise when the browser is back online or the monitor presses "Send now".
//
// The page passes its settings in <script id="webform-config" type="application/json"> and
// its translated texts in <ul id="webform-messages"> (no inline scripts: the site's CSP).
import { createApp, h } from "vue";
import { OdkWebForm, POST_SUBMIT__NEW_INSTANCE, webFormsPlugin } from "@getodk/web-forms";

const config = JSON.parse(document.getElementById("webform-config").textContent);
const ui = {
  app: document.getElementById("webform-app"),
  status: document.getElementById("webform-status"),
  offline: document.getElementById("webform-offline"),
  queue: document.getElementById("webform-queue"),
  queueCount: document.getElementById("webform-queue-count"),
  sendNow: document.getElementById("webform-send-now"),
};

// Translated texts by key; "%(name)s" placeholders are filled by text().
const messages = {};
for (const item of document.querySelectorAll("#webform-messages [data-key]")) {
  messages[item.dataset.key] = item.textContent;
}
function text(key, values = {}) {
  return (messages[key] || key).replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

// kind: a Bootstrap alert colour (success, info, warning, danger).
function showStatus(kind, message) {
  ui.status.className = `alert alert-${kind}`;
  ui.status.textContent = message;
  ui.status.hidden = false;
}

// --- The queue (IndexedDB "hrmonitor-webform", store "queue") ----------------------------

const DB_NAME = "hrmonitor-webform";
const STORE = "queue";

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let dbPromise = null;
function db() {
  if (!dbPromise) {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    dbPromise = request(open);
  }
  return dbPromise;
}

async function store(mode) {
  return (await db()).transaction(STORE, mode).objectStore(STORE);
}

// Records carry the account that filled them: on a shared device, a submission is only ever
// sent with the session of the monitor who made it.
const queue = {
  add: async (record) => request((await store("readwrite")).add({ ...record, user: config.user })),
  mine: async () => (await request((await store("readonly")).getAll())).filter((r) => r.user === config.user),
  remove: async (id) => request((await store("readwrite")).delete(id)),
};

async function showQueueCount() {
  const n = (await queue.mine()).length;
  ui.queueCount.textContent = text("waiting", { n });
  ui.queue.hidden = n === 0;
}

// --- Sending -------------------------------------------------------------------------------

function csrfToken() {
  // The cookie is current even if the session changed since this page was rendered.
  const cookie = document.cookie.split("; ").find((c) => c.startsWith(`${config.csrfCookieName}=`));
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : config.csrfToken;
}

// The <message> of an OpenRosa answer (the server writes it in the monitor's language).
async function serverMessage(response) {
  try {
    const xml = new DOMParser().parseFromString(await response.text(), "text/xml");
    return xml.querySelector("message")?.textContent.trim() || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

class Unreachable extends Error {}

// fetch() that gives up after `seconds` (a stalled connection must not block the queue).
async function fetchWithin(url, options = {}, seconds = 30) {
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      signal: AbortSignal.timeout(seconds * 1000),
      ...options,
    });
    if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
    return response;
  } catch {
    throw new Unreachable();
  }
}

// May this browser send to `url` right now? A refusal at this step (signed out, no longer a
// monitor of the project…) means the server would NOT keep the submission, unlike a refusal
// of the submission itself, so the submission must stay on this device.
async function checkAccess(url) {
  // Signed out? Asked of this page, which redirects to the sign-in page: the OpenRosa URLs
  // would answer with an HTTP authentication challenge, and the browser its password dialog.
  const page = await fetchWithin(config.pageUrl, { method: "HEAD", redirect: "manual" });
  if (page.type === "opaqueredirect") {
    return text("signedOut");
  }
  // "no-store": the service worker leaves this to the network, never answers from its cache.
  const response = await fetchWithin(url.replace(/submission$/, "formList"), { cache: "no-store" });
  return response.ok ? null : await serverMessage(response);
}

// POST one stored submission; its answer decides whether it leaves the queue.
async function post(record) {
  const body = new FormData();
  for (const part of record.parts) body.append(part.name, part.blob, part.filename);
  const headers = { "X-CSRFToken": csrfToken(), "X-OpenRosa-Version": "1.0" };
  const response = await fetchWithin(record.url, { method: "POST", body, headers }, 300);
  if (response.status === 201) return { sent: true };
  // 4xx after the access check: the server kept the raw submission for review (and a
  // resend would be refused again), except when the request was too large to be kept.
  return { sent: false, kept: response.status !== 413, message: await serverMessage(response) };
}

// One sending at a time (page load, "online", "Send now" and a new submission may overlap);
// each reads the queue afresh, so nothing is sent twice and nothing is left behind.
let flushing = Promise.resolve();
function flush() {
  flushing = flushing.then(sendAll, sendAll);
  return flushing;
}

async function sendAll() {
  const records = await queue.mine();
  if (records.length === 0) return;
  if (!navigator.onLine) {
    showStatus("info", text("saved"));
    return;
  }
  let sent = 0;
  const notes = [];
  const access = new Map();
  try {
    for (const record of records) {
      if (!access.has(record.url)) access.set(record.url, await checkAccess(record.url));
      const denied = access.get(record.url);
      if (denied) {
        notes.push(text("notSent", { message: denied }));
        continue;
      }
      const result = await post(record);
      if (result.sent) sent += 1;
      else notes.push(text("refused", { message: result.message }));
      if (result.sent || result.kept) await queue.remove(record.id);
    }
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    notes.push(text("saved"));
  } finally {
    await showQueueCount();
  }
  if (notes.length) showStatus(sent ? "warning" : "danger", [...new Set(notes)].join(" "));
  else if (sent) showStatus("success", text("sent"));
}

// web-forms calls this with the payload of a valid form and a callback; calling back with
// POST_SUBMIT__NEW_INSTANCE starts a new, empty interview.
async function onSubmit(payload, callback) {
  const parts = [];
  for (const [name, file] of payload.data[0].entries()) {
    parts.push(
      name === "xml_submission_file"
        ? { name, filename: "submission.xml", blob: new Blob([file], { type: "text/xml" }) }
        : { name, filename: file.name, blob: file },
    );
  }
  try {
    await queue.add({ url: config.submissionUrl, parts, createdAt: new Date().toISOString() });
  } catch (error) {
    // Nothing was stored: keep the answers on screen.
    showStatus("danger", text("notStored", { message: String(error) }));
    callback({});
    return;
  }
  callback({ next: POST_SUBMIT__NEW_INSTANCE });
  await showQueueCount();
  if (navigator.onLine) await flush();
  else showStatus("info", text("saved"));
  // The new, empty form is on screen by now: show what became of the last one.
  requestAnimationFrame(() => ui.status.scrollIntoView({ block: "center" }));
}

// --- The form --------------------------------------------------------------------------------

// Language names in XForms look like "Russian (ru)"; some forms use plain names.
const LANGUAGE_NAMES = { english: "en", russian: "ru", "русский": "ru", "английский": "en" };
function languageCode(name) {
  const match = /\((\w{2,3})\)\s*$/.exec(name);
  return match ? match[1].toLowerCase() : LANGUAGE_NAMES[name.trim().toLowerCase()] || "";
}

// Make the translation in the monitor's language the form's default, when the form has one.
function preferLanguage(xformText, language) {
  const doc = new DOMParser().parseFromString(xformText, "text/xml");
  const translations = [...doc.getElementsByTagNameNS("*", "translation")];
  const wanted = translations.find((t) => languageCode(t.getAttribute("lang") || "") === language);
  if (!wanted) return xformText;
  for (const t of translations) t.removeAttribute("default");
  wanted.setAttribute("default", "true()");
  return new XMLSerializer().serializeToString(doc);
}

// Form media (jr://file-csv/sites.csv, jr://images/…) come from the form's attachments URL.
function fetchFormAttachment(url) {
  const name = decodeURIComponent(new URL(url).pathname.split("/").pop());
  return fetch(config.attachmentBaseUrl + encodeURIComponent(name), { credentials: "same-origin" });
}

async function start() {
  let xform;
  try {
    const response = await fetch(config.formUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(await serverMessage(response));
    xform = preferLanguage(await response.text(), config.language);
  } catch (error) {
    ui.app.replaceChildren();
    showStatus("danger", text("notLoaded"));
    return;
  }
  ui.app.replaceChildren();
  const app = createApp({
    render: () => h(OdkWebForm, { formXml: xform, fetchFormAttachment, onSubmit }),
  });
  app.use(webFormsPlugin);
  app.mount(ui.app);
}

// --- Opening again offline -------------------------------------------------------------------

// The service worker (config.swUrl) keeps this page, its form and scripts, so that the page
// opens without a connection next time. A page it did not control yet (the first visit) asks
// it to store what the page already loaded.
async function keepForOffline() {
  if (!("serviceWorker" in navigator) || !config.swUrl) return;
  try {
    await navigator.serviceWorker.register(config.swUrl, { scope: config.swScope });
    if (navigator.serviceWorker.controller) return;
    const registration = await navigator.serviceWorker.ready;
    const page = new URL(config.pageUrl, location.href).href;
    const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
    registration.active?.postMessage({ type: "store", page, urls: [page, ...loaded] });
  } catch {
    // No worker (offline now, private browsing, an old browser): the page still works.
  }
}

function showConnection() {
  ui.offline.hidden = navigator.onLine;
}

window.addEventListener("online", () => {
  showConnection();
  flush();
});
window.addEventListener("offline", showConnection);
ui.sendNow.addEventListener("click", () => flush());

showConnection();
// The form first, then what waits from earlier visits.
start().finally(() => {
  showQueueCount().then(flush);
  keepForOffline();
});
