// The engage dev page: fetches /api/* on every change the server streams, and draws the tables.
// Every value from the runtime goes into the page as text (append, textContent), never as HTML:
// customer ids and reasons come from events.

const LIMIT = 100;
const $ = (id) => document.getElementById(id);

/** An element with attributes, listeners (onclick...) and children; strings become text nodes. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "className") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child ?? "");
  return node;
}

function time(iso) {
  return iso ? el("time", { datetime: iso, title: iso }, iso.replace("T", " ").slice(0, 19)) : "";
}

function until(iso, now) {
  if (!iso) return "";
  const seconds = Math.round((Date.parse(iso) - Date.parse(now)) / 1000);
  if (seconds <= 0) return "due";
  const parts = [
    [Math.floor(seconds / 86400), "d"],
    [Math.floor((seconds % 86400) / 3600), "h"],
    [Math.floor((seconds % 3600) / 60), "m"],
    [seconds % 60, "s"],
  ].filter(([count]) => count > 0);
  return `in ${parts
    .slice(0, 2)
    .map(([count, unit]) => `${count}${unit}`)
    .join(" ")}`;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = await response.json();
  if (!response.ok && response.status !== 404) throw new Error(body.error ?? `${path}: ${response.status}`);
  return { status: response.status, body };
}

function customerButton(customerId) {
  if (!customerId) return "";
  return el(
    "button",
    {
      type: "button",
      className: "link customer",
      onclick: (event) => {
        event.stopPropagation();
        showCustomer(customerId);
      },
    },
    customerId,
  );
}

function fill(tbody, rows, columns) {
  if (rows.length === 0) {
    tbody.replaceChildren(
      el("tr", {}, el("td", { colspan: String(columns), className: "muted" }, "none yet")),
    );
    return;
  }
  tbody.replaceChildren(...rows);
}

let selectedMessageId;

function messageRows(messages) {
  return messages.map((message) =>
    el(
      "tr",
      {
        className: message.id === selectedMessageId ? "clickable selected" : "clickable",
        "data-id": message.id,
        onclick: () => openMessage(message),
      },
      el("td", {}, time(message.sentAt)),
      el("td", {}, customerButton(message.customerId)),
      el("td", {}, message.campaignId),
      el("td", {}, message.stepId),
      el("td", {}, message.channel),
      el("td", {}, message.to),
      el("td", { className: "text" }, message.subject ?? ""),
    ),
  );
}

function openMessage(message) {
  selectedMessageId = message.id;
  for (const row of document.querySelectorAll("tr[data-id]"))
    row.classList.toggle("selected", row.dataset.id === message.id);
  const url = `/api/messages/${encodeURIComponent(message.id)}/rendered`;
  $("message-title").textContent =
    `${message.subject ?? message.channel} to ${message.to} (${message.campaignId})`;
  $("message-link").href = url;
  $("message-frame").src = url;
  $("message-section").hidden = false;
  $("message-section").scrollIntoView({ block: "nearest" });
}

function renderEvents(events) {
  fill(
    $("events"),
    events.map((event) =>
      el(
        "tr",
        { className: event.status },
        el("td", {}, time(event.receivedAt)),
        el("td", {}, event.detailType),
        el("td", {}, event.source),
        el("td", {}, customerButton(event.customerId)),
        el("td", {}, event.status),
        el("td", { className: "text" }, event.reason ?? ""),
      ),
    ),
    6,
  );
}

function journeyRows(journeys, now) {
  return journeys.map((journey) =>
    el(
      "tr",
      {},
      el("td", {}, customerButton(journey.customerId)),
      el("td", {}, journey.campaignId),
      el("td", {}, journey.stepId),
      el(
        "td",
        {},
        time(journey.nextWakeAt),
        " ",
        el("span", { className: "muted" }, until(journey.nextWakeAt, now)),
      ),
    ),
  );
}

function renderCounts(counts) {
  fill(
    $("counts"),
    counts.map((count) =>
      el(
        "tr",
        {},
        el("td", {}, count.campaignId),
        el("td", {}, String(count.sent)),
        el("td", {}, String(count.suppressed)),
        el("td", {}, String(count.journeysStarted)),
        el("td", {}, String(count.journeysInFlight)),
      ),
    ),
    5,
  );
}

function renderSuppressions(suppressions) {
  fill(
    $("suppressions"),
    suppressions.map((suppression) =>
      el(
        "tr",
        {},
        el("td", {}, time(suppression.at)),
        el("td", {}, customerButton(suppression.customerId)),
        el("td", {}, suppression.channel),
        el("td", {}, suppression.address),
        el("td", { className: "text" }, suppression.reason),
      ),
    ),
    5,
  );
}

// Redrive outcomes by queue: the redrive itself changes the view, and the queues are drawn again.
const redriveResults = new Map();

async function redrive(queueName) {
  redriveResults.set(queueName, "redriving…");
  try {
    const response = await fetch(`/api/dead-letters/${encodeURIComponent(queueName)}/redrive`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    const body = await response.json();
    redriveResults.set(queueName, response.ok ? `${body.redriven} redriven` : `failed: ${body.error}`);
  } catch (error) {
    redriveResults.set(queueName, `failed: ${error.message}`);
  }
  await refresh();
}

function renderDeadLetters(queues) {
  if (queues.length === 0) {
    $("dead-letters").replaceChildren(el("p", { className: "muted" }, "no queues"));
    return;
  }
  $("dead-letters").replaceChildren(
    ...queues.map((queue) => {
      const result = el("span", { className: "muted redrive-result" }, redriveResults.get(queue.name));
      const button = el("button", { type: "button", className: "redrive" }, "redrive");
      button.disabled = queue.messages.length === 0 || redriveResults.get(queue.name) === "redriving…";
      button.addEventListener("click", () => redrive(queue.name));
      const table = el(
        "table",
        {},
        el("thead", {}, el("tr", {}, el("th", {}, "received"), el("th", {}, "reason"), el("th", {}, "body"))),
        el("tbody", {}),
      );
      fill(
        table.tBodies[0],
        queue.messages.map((message) =>
          el(
            "tr",
            {},
            el("td", {}, time(message.receivedAt)),
            el("td", { className: "text" }, message.reason),
            el("td", { className: "text" }, el("pre", {}, message.body.slice(0, 2000))),
          ),
        ),
        3,
      );
      return el(
        "div",
        { className: "queue", "data-queue": queue.name },
        el(
          "h3",
          {},
          `${queue.name} `,
          el("span", { className: "muted" }, `${queue.messages.length} waiting`),
        ),
        el("p", {}, button, " ", result),
        table,
      );
    }),
  );
}

let shownCustomerId;

async function showCustomer(customerId) {
  shownCustomerId = customerId;
  $("customer-id").value = customerId;
  await loadCustomer();
  $("customer-section").scrollIntoView({ block: "nearest" });
}

async function loadCustomer() {
  const customerId = shownCustomerId;
  if (!customerId) return;
  const { status, body } = await getJson(`/api/customers/${encodeURIComponent(customerId)}`);
  if (customerId !== shownCustomerId) return;
  if (status === 404) {
    $("customer").replaceChildren(el("p", { className: "muted" }, `no customer ${customerId}`));
    return;
  }
  const customer = body.customer;
  const journeys = el("tbody", {});
  fill(journeys, journeyRows(customer.journeys, body.now), 4);
  const messages = el("tbody", {});
  fill(messages, messageRows(customer.messages), 7);
  $("customer").replaceChildren(
    el("h3", {}, customer.customerId),
    el("h4", {}, "consent"),
    el("pre", { className: "consent" }, JSON.stringify(customer.consent, null, 2)),
    el("h4", {}, "journeys"),
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el("tr", {}, ...["customer", "campaign", "step", "next wake-up"].map((h) => el("th", {}, h))),
      ),
      journeys,
    ),
    el("h4", {}, "messages"),
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ...["sent", "customer", "campaign", "step", "channel", "to", "subject"].map((h) => el("th", {}, h)),
        ),
      ),
      messages,
    ),
    el(
      "details",
      {},
      el("summary", {}, "state, as stored"),
      el("pre", { className: "state" }, JSON.stringify(customer.state, null, 2)),
    ),
  );
}

async function load() {
  const [events, journeys, messages, suppressions, counts, deadLetters] = await Promise.all(
    ["events", "journeys", "messages", "suppressions", "counts", "dead-letters"].map((name) =>
      getJson(`/api/${name}?limit=${LIMIT}`).then((answer) => answer.body),
    ),
  );
  $("clock").textContent = events.now.replace("T", " ").slice(0, 19);
  renderEvents(events.items);
  fill($("journeys"), journeyRows(journeys.items, journeys.now), 4);
  fill($("messages"), messageRows(messages.items), 7);
  renderSuppressions(suppressions.items);
  renderCounts(counts.items);
  renderDeadLetters(deadLetters.items);
  await loadCustomer();
}

// One load at a time; changes that arrive meanwhile cause one more load after it.
let loading = false;
let again = false;
async function refresh() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    do {
      again = false;
      await load();
    } while (again);
    document.body.dataset.loaded = "true";
  } catch (error) {
    $("link").textContent = `error: ${error.message}`;
    $("link").classList.add("down");
  } finally {
    loading = false;
  }
}

$("customer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const customerId = $("customer-id").value.trim();
  if (customerId) showCustomer(customerId);
});
$("message-close").addEventListener("click", () => {
  selectedMessageId = undefined;
  $("message-section").hidden = true;
  $("message-frame").removeAttribute("src");
});

const changes = new EventSource("/api/stream");
changes.addEventListener("open", () => {
  $("link").textContent = "live";
  $("link").classList.remove("down");
});
changes.addEventListener("error", () => {
  $("link").textContent = "disconnected, retrying…";
  $("link").classList.add("down");
});
changes.addEventListener("change", refresh);
