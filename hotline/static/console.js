// Polls the console's updates every second (cheap JSON from the database);
// the pages work without it. Words it shows come from the page (data-*),
// rendered from the catalogs in the console's language.
(function () {
  "use strict";
  var PERIOD = 1000;
  var queue = document.getElementById("live");
  var transcript = document.getElementById("transcript");
  var holder = queue || transcript;
  if (!holder || !window.fetch) { return; }
  var status = document.getElementById("live-status");
  var after = Number(holder.dataset.after) || 0;
  var lastQueue = null;

  function entry(message) {
    var item = document.createElement("li");
    item.className = "entry entry-" + message.kind;
    item.dataset.message = message.id;
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = message.author + " " + message.time + (message.status ? " · " + message.status_label : "");
    var text = document.createElement("p");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(meta);
    item.appendChild(text);
    return item;
  }

  function apply(data) {
    var region = document.getElementById("queue-region");
    // Not while the keyboard is inside the table: replacing it would lose focus.
    if (queue && data.queue_html !== lastQueue && !region.contains(document.activeElement)) {
      region.innerHTML = data.queue_html;
      if (lastQueue !== null) { status.textContent = holder.dataset.queueUpdated; }
      lastQueue = data.queue_html;
    }
    if (transcript && data.messages && data.messages.length) {
      data.messages.forEach(function (message) {
        if (!transcript.querySelector('[data-message="' + message.id + '"]')) {
          transcript.appendChild(entry(message));
        }
        after = Math.max(after, message.id);
      });
      status.textContent = holder.dataset.newMessages;
    }
    if (queue) { after = data.latest; }
  }

  // The conversation is no longer this operator's to read (closed, handed
  // on, a supervisor's reason expired) or the person deleted it (the widget's
  // "delete"): the server does not say which. Say so, and take the
  // transcript off the screen too.
  function gone() {
    var notice = document.createElement("p");
    notice.className = "flash flash-error";
    notice.setAttribute("role", "alert");
    notice.textContent = holder.dataset.gone;
    transcript.replaceWith(notice);
  }

  function poll() {
    var url = holder.dataset.updates;
    url += (url.indexOf("?") < 0 ? "?" : "&") + "after=" + after;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location = holder.dataset.login; throw new Error("login"); }
        if ((response.status === 404 || response.status === 403) && transcript) { gone(); throw new Error("gone"); }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { apply(data); window.setTimeout(poll, PERIOD); })
      .catch(function (error) {
        if (error.message !== "login" && error.message !== "gone") { window.setTimeout(poll, PERIOD * 4); }
      });
  }
  window.setTimeout(poll, PERIOD);
}());
