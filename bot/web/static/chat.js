/* Progressive enhancement of the chat page: the same forms, answered over the JSON API.
   No framework, no storage of any kind (no cookies, localStorage, sessionStorage, IndexedDB).
   Without this script every form still works by itself. */
(function () {
  "use strict";

  var main = document.getElementById("main");
  if (!main || !window.fetch || !window.JSON) { return; }

  // ---- leaving quickly: the button, or Shift pressed three times -------------------------
  function sessionToken() {
    var field = document.querySelector("input[name=session]");
    return field ? field.value : "";
  }

  function leave() {
    var token = sessionToken();
    if (token) {
      try {
        fetch("/api/v1/end", {
          method: "POST", keepalive: true, credentials: "omit", cache: "no-store",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ session: token })
        }).catch(function () {});
      } catch (e) { /* leave anyway */ }
    }
    if (window.parent !== window) {
      window.parent.postMessage({ type: "redirection-bot:exit" }, "*");
    }
    document.body.textContent = "";
    window.location.replace("/away");
  }

  var shifts = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    shifts = shifts.filter(function (t) { return now - t < 1500; });
    shifts.push(now);
    if (shifts.length >= 3) { shifts = []; leave(); }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-leave]");
    if (link) { event.preventDefault(); leave(); }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-leave]")) { event.preventDefault(); leave(); }
  });

  // ---- the live chat ---------------------------------------------------------------------
  if (!main.hasAttribute("data-chat")) { return; }
  var strings = JSON.parse(main.getAttribute("data-strings") || "{}");
  var log = document.querySelector("#log ol");
  var errorBox = document.getElementById("error");
  var busy = false;

  var status = document.createElement("p");
  status.className = "hint status";
  status.id = "status";
  errorBox.parentNode.insertBefore(status, errorBox.nextSibling);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function addMessage(who, text) {
    var item = el("li", { "class": "msg " + who });
    item.appendChild(el("span", { "class": "who" }, (who === "you" ? strings.you : strings.bot) + ": "));
    item.appendChild(el("span", { "class": "text" }, text));
    log.appendChild(item);  // the log is a polite live region: only new items are announced
    return item;
  }

  function hidden(name, value) { return el("input", { type: "hidden", name: name, value: String(value) }); }

  function setSeq(seq) {
    Array.prototype.forEach.call(document.querySelectorAll("input[name=seq]"), function (f) {
      f.value = String(seq);
    });
  }

  function removeInputs() {
    ["options", "text-form", "ended"].forEach(function (id) {
      var node = document.getElementById(id);
      if (node) { node.parentNode.removeChild(node); }
    });
  }

  function startAgainForm(locale) {
    var box = el("div", { id: "ended", "class": "ended" });
    box.appendChild(el("p", {}, strings.ended));
    var form = el("form", { method: "post", action: "/chat", "class": "again" });
    form.appendChild(hidden("action", "start"));
    form.appendChild(hidden("locale", locale));
    form.appendChild(el("button", { type: "submit" }, strings.again));
    box.appendChild(form);
    return box;
  }

  function renderInputs(reply) {
    removeInputs();
    var anchor = status.nextSibling;
    var focusTarget = null;
    if (reply.ended) {
      var box = startAgainForm(reply.locale);
      main.insertBefore(box, anchor);
      Array.prototype.forEach.call(document.querySelectorAll("form[data-help], input[name=session]"),
        function (node) { if (node.matches("form")) { node.hidden = true; } else { node.value = ""; } });
      return box.querySelector("button");
    }
    if (reply.options.length) {
      var form = el("form", { method: "post", action: "/chat", id: "options", "class": "options" });
      form.appendChild(hidden("session", sessionToken()));
      form.appendChild(hidden("seq", reply.seq));
      var set = el("fieldset");
      set.appendChild(el("legend", {}, strings.options));
      reply.options.forEach(function (o) {
        set.appendChild(el("button", { type: "submit", name: "choice", value: o.id }, o.label));
      });
      form.appendChild(set);
      main.insertBefore(form, anchor);
      focusTarget = form.querySelector("button");
    }
    if (reply.input === "text" || reply.input === "choice_or_text") {
      var tform = el("form", { method: "post", action: "/chat", id: "text-form", "class": "text" });
      tform.appendChild(hidden("session", sessionToken()));
      tform.appendChild(hidden("seq", reply.seq));
      tform.appendChild(el("label", { "for": "text" }, strings.text_label));
      tform.appendChild(el("textarea", { id: "text", name: "text", rows: "3", required: "",
        maxlength: String(reply.max_text), "aria-describedby": "text-hint" }));
      tform.appendChild(el("p", { id: "text-hint", "class": "hint" },
        String(strings.max_chars).replace("{max}", String(reply.max_text))));
      tform.appendChild(el("button", { type: "submit" }, strings.send));
      main.insertBefore(tform, anchor);
      if (!focusTarget) { focusTarget = tform.querySelector("textarea"); }
    }
    return focusTarget;
  }

  function showError(data) {
    errorBox.textContent = "";
    var message = (data && data.error && data.error.message) || strings.internal;
    errorBox.appendChild(el("p", {}, message));
    var help = (data && data.help) || strings.help || [];
    if (help.length) {
      errorBox.appendChild(el("p", { "class": "resources-heading" }, strings.resources));
      var list = el("ul", { "class": "resources" });
      help.forEach(function (r) { list.appendChild(el("li", {}, typeof r === "string" ? r : r.text)); });
      errorBox.appendChild(list);
    }
    if (data && data.error && data.error.code === "session_gone") {
      var box = startAgainForm(main.getAttribute("data-locale") || "en");
      removeInputs();
      main.insertBefore(box, status.nextSibling);
    }
  }

  function send(body, said) {
    if (busy) { return; }
    busy = true;
    main.setAttribute("aria-busy", "true");
    status.textContent = strings.sending;
    body.session = sessionToken();
    body.seq = Number(document.querySelector("input[name=seq]").value);
    fetch("/api/v1/turn", {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().then(function (data) { return { ok: resp.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) { showError(result.data); return; }
      errorBox.textContent = "";
      var reply = result.data;
      if (said) { addMessage("you", said); }
      reply.messages.forEach(function (m) { addMessage("bot", m.text); });
      setSeq(reply.seq);
      var target = renderInputs(reply);
      if (target) { target.focus(); }
    }).catch(function () {
      showError(null);
    }).then(function () {
      busy = false;
      main.removeAttribute("aria-busy");
      status.textContent = "";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "options") {
      event.preventDefault();
      var button = event.submitter || form.querySelector("button");
      send({ choice: button.value }, button.textContent);
    } else if (form.id === "text-form") {
      event.preventDefault();
      var text = form.querySelector("textarea").value;
      if (!text.trim()) { return; }
      send({ text: text }, text);
    } else if (form.matches("form[data-help]")) {
      event.preventDefault();
      send({ command: "help" }, form.querySelector("button").textContent);
    }
  });

  // Enter sends, Shift+Enter makes a new line
  document.addEventListener("keydown", function (event) {
    if (event.target.id === "text" && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
})();
