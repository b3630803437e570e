/* Progressive enhancement of the pages: the same forms, answered over the JSON API.
   No framework, no storage of any kind (no cookies, localStorage, sessionStorage, IndexedDB).
   Without this script every form still works by itself. */
(function () {
  "use strict";

  var main = document.getElementById("main");
  if (!main || !window.fetch || !window.JSON) { return; }

  // Inside the widget's frame: tell the launcher the chat loaded (a refused frame never says so).
  if (window.parent !== window) {
    try { window.parent.postMessage({ type: "redirection-bot:ready" }, "*"); } catch (e) { /* none */ }
  }

  // ---- leaving quickly: the button, or three taps of Shift ---------------------------------
  // A tap is Shift going down and up with no other key (or click) in between, so capitals
  // typed with Shift never count; auto-repeat is ignored. Three taps within TAP_WINDOW leave.
  // The reference is GOV.UK's "Exit this page" component.
  var TAP_WINDOW = 5000;
  var LEAVE_GRACE = 150;  // ms inside the widget between closing it and the neutral page
  var leaving = false;

  function sessionToken() {
    var field = document.querySelector("input[name=session]");
    return field ? field.value : "";
  }

  function leave() {
    if (leaving) { return; }
    leaving = true;
    window.removeEventListener("beforeunload", askFirst);
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
    document.title = "";
    document.body.textContent = "";
    // replace, not assign: the chat's history entry becomes the neutral page, so Back skips it
    var away = function () { window.location.replace("/away"); };
    if (window.parent === window) { away(); return; }
    // Inside the widget: the launcher closes the frame on this message. The chat is already
    // blank; the neutral page follows a moment later, in case no launcher answers. Navigating at
    // once could lose the message: a frame of another origin posts through the browser, which
    // may replace the frame's document first (a CI run once saw the frame stay open).
    try { window.parent.postMessage({ type: "redirection-bot:exit" }, "*"); } catch (e) { /* none */ }
    setTimeout(away, LEAVE_GRACE);
  }

  // As GOV.UK does, say how many taps are left (to screen readers; the count is not shown)
  function announceTaps(count) {
    var status = document.getElementById("tap-status");
    var nav = document.querySelector(".controls");
    if (!status || !nav) { return; }
    status.textContent = count === 0 ? "" : nav.getAttribute(count === 1 ? "data-taps-two" : "data-taps-one") || "";
  }

  var taps = [];
  var shiftDown = false;
  var shiftAlone = false;
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (event.repeat || shiftDown) { return; }
      shiftDown = true;
      shiftAlone = true;
    } else {
      shiftAlone = false;
      if (taps.length) { taps = []; announceTaps(0); }
    }
  }, true);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    var tap = shiftDown && shiftAlone;
    shiftDown = false;
    shiftAlone = false;
    if (!tap) { return; }
    var now = Date.now();
    taps = taps.filter(function (t) { return now - t < TAP_WINDOW; });
    taps.push(now);
    if (taps.length >= 3) { taps = []; leave(); return; }
    announceTaps(taps.length);
  }, true);
  document.addEventListener("pointerdown", function () { shiftAlone = false; }, true);
  window.addEventListener("blur", function () { shiftDown = false; shiftAlone = false; });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-leave]");
    if (link) { event.preventDefault(); leave(); }
  });

  // ---- reload and Back ask first while a conversation is open ---------------------------------
  // A tap on a phone number (or a link that opens a new tab) must not ask: some browsers send
  // beforeunload for tel: links, and a person calling a helpline should meet no question.
  var calling = false;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='tel:'], a[target=_blank]");
    if (link) {
      calling = true;
      setTimeout(function () { calling = false; }, 1000);
    }
  }, true);

  function askFirst(event) {
    if (leaving || calling || !sessionToken()) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  }
  window.addEventListener("beforeunload", askFirst);

  // ---- small DOM helpers ------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function hidden(name, value) { return el("input", { type: "hidden", name: name, value: String(value) }); }

  // ---- the start page: the chat opens on the same page (one history entry) -----------------
  // The server renders the first screen (POST /chat); this page takes its place, so the start
  // page is not left behind in the history for Back to show after leaving quickly.
  function startInPlace(form) {
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch("/chat", {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString()
    }).then(function (resp) { return resp.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      if (!doc.getElementById("main")) { throw new Error("no page"); }
      document.documentElement.lang = doc.documentElement.lang;
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
      main = document.getElementById("main");
      if (main.hasAttribute("data-chat")) { enhance(); }
    }).catch(function () {
      if (button) { button.disabled = false; }
      form.submit();  // the plain form still works
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = form.querySelector && form.querySelector("input[name=action]");
    if (action && action.value === "start" && form.getAttribute("action") === "/chat") {
      event.preventDefault();
      startInPlace(form);
    } else if (!main.hasAttribute("data-chat") && form.matches("form[data-leave]")) {
      event.preventDefault();
      leave();
    }
  });

  if (main.hasAttribute("data-chat")) { enhance(); }

  // ---- the live chat ---------------------------------------------------------------------
  function enhance() {
    var strings = JSON.parse(main.getAttribute("data-strings") || "{}");
    var log = document.querySelector("#log ol");
    var errorBox = document.getElementById("error");
    var busy = false;
    var pending = null;
    var phonePattern = null;
    if (strings.phones && strings.phones.length) {
      var alts = strings.phones.slice().sort(function (a, b) { return b.length - a.length; })
        .map(function (d) { return d.split("").join("[ \\-.]?"); });
      phonePattern = new RegExp("(^|[^\\w+])(\\+?(?:" + alts.join("|") + "))(?!\\w)", "g");
    }

    var status = el("p", { "class": "hint status", id: "status" });
    errorBox.parentNode.insertBefore(status, errorBox.nextSibling);

    function telHref(number) {
      return "tel:" + (number.trim().charAt(0) === "+" ? "+" : "") + number.replace(/\D/g, "");
    }

    // text with the directory's numbers as tap-to-call links (as the server's template does)
    function linked(text) {
      var frag = document.createDocumentFragment();
      if (!phonePattern) { frag.appendChild(document.createTextNode(text)); return frag; }
      var at = 0;
      text.replace(phonePattern, function (all, before, number, offset) {
        var start = offset + before.length;
        frag.appendChild(document.createTextNode(text.slice(at, start)));
        frag.appendChild(el("a", { "class": "tel", href: telHref(number) }, number));
        at = start + number.length;
        return all;
      });
      frag.appendChild(document.createTextNode(text.slice(at)));
      return frag;
    }

    function resourceList(items) {
      var list = el("ul", { "class": "resources" });
      items.forEach(function (r) {
        var item = el("li", { "class": "resource " + (r.kind || "") });
        var number = r.number || r.phone || null;
        if (number || r.url) {
          item.appendChild(el("span", { "class": "name" }, r.name));
          if (r.description) { item.appendChild(document.createTextNode(" ")); item.appendChild(el("span", { "class": "description" }, r.description)); }
          if (number) {
            item.appendChild(document.createTextNode(" "));
            var tel = r.tel ? (r.tel.indexOf("tel:") === 0 ? r.tel : "tel:" + r.tel) : telHref(number);
            item.appendChild(el("a", { "class": "tel", href: tel }, number));
          }
          if (r.url) {
            item.appendChild(document.createTextNode(" "));
            item.appendChild(el("a", { "class": "site", href: r.url, target: "_blank", rel: "noopener noreferrer" },
              r.site || r.url.replace(/^https:\/\/(www\.)?/, "").replace(/\/$/, "")));
          }
        } else {
          item.appendChild(linked(r.text || r.name || ""));
        }
        list.appendChild(item);
      });
      return list;
    }

    function addMessage(who, content) {
      var item = el("li", { "class": "msg " + who });
      item.appendChild(el("span", { "class": "who" }, (who === "you" ? strings.you : strings.bot) + ": "));
      var text = el("span", { "class": "text" });
      if (who === "bot") { text.appendChild(linked(content)); } else { text.textContent = content; }
      item.appendChild(text);
      log.appendChild(item);  // the log is a polite live region: only new items are announced
      return item;
    }

    function addResources(items) {
      var item = el("li", { "class": "msg bot card" });
      item.appendChild(el("span", { "class": "who" }, strings.bot + ": "));
      item.appendChild(resourceList(items));
      log.appendChild(item);
    }

    function setSeq(seq) {
      Array.prototype.forEach.call(document.querySelectorAll("input[name=seq]"), function (f) {
        f.value = String(seq);
      });
    }

    function removeInputs() {
      ["options", "text-form", "ended", "plan"].forEach(function (id) {
        var node = document.getElementById(id);
        if (node) { node.parentNode.removeChild(node); }
      });
      Array.prototype.forEach.call(document.querySelectorAll("form.plan"), function (f) {
        f.parentNode.removeChild(f);
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

    function textForm(reply) {
      var wantsText = reply.input === "text" || reply.input === "choice_or_text";
      var form = el("form", { method: "post", action: "/chat", id: "text-form",
        "class": wantsText ? "text" : "text aside" });
      form.appendChild(hidden("session", sessionToken()));
      form.appendChild(hidden("seq", reply.seq));
      form.appendChild(el("label", { "for": "text" }, wantsText ? strings.text_label : strings.type_label));
      var row = el("div", { "class": "typing" });
      var box = wantsText
        ? el("textarea", { id: "text", name: "text", rows: "3" })
        : el("input", { type: "text", id: "text", name: "text", autocomplete: "off" });
      box.setAttribute("maxlength", String(reply.max_text));
      box.setAttribute("required", "");
      box.setAttribute("aria-describedby", "text-hint");
      row.appendChild(box);
      row.appendChild(el("button", { type: "submit" }, strings.send));
      form.appendChild(row);
      form.appendChild(el("p", { id: "text-hint", "class": "hint" }, wantsText
        ? String(strings.max_chars).replace("{max}", String(reply.max_text)) : strings.type_hint));
      return form;
    }

    function renderInputs(reply) {
      removeInputs();
      var anchor = status.nextSibling;
      if (reply.ended) {
        var endBox = startAgainForm(reply.locale);
        main.insertBefore(endBox, anchor);
        Array.prototype.forEach.call(document.querySelectorAll("form[data-help], input[name=session]"),
          function (node) { if (node.matches("form")) { node.hidden = true; } else { node.value = ""; } });
        return endBox.querySelector("button");
      }
      var focusTarget = null;
      if (reply.options.length) {
        var form = el("form", { method: "post", action: "/chat", id: "options", "class": "options" });
        var scale = reply.options.length >= 5 && reply.options.every(function (o) {
          return /^(10|[0-9])$/.test(o.label);
        });
        if (scale) { form.className += " scale"; }
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
      var tform = textForm(reply);
      main.insertBefore(tform, anchor);
      if (reply.input === "text" || reply.input === "choice_or_text" || !focusTarget) {
        focusTarget = tform.querySelector("#text");
      }
      if (reply.plan) {
        var plan = el("form", { method: "post", action: "/plan", target: "_blank", "class": "plan" });
        plan.appendChild(hidden("session", sessionToken()));
        plan.appendChild(el("button", { type: "submit" }, strings.plan));
        main.insertBefore(plan, anchor);
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
        errorBox.appendChild(resourceList(help));
      }
      if (data && data.error && data.error.code === "session_gone") {
        removeInputs();
        Array.prototype.forEach.call(document.querySelectorAll("input[name=session]"),
          function (node) { node.value = ""; });
        main.insertBefore(startAgainForm(main.getAttribute("data-locale") || "en"), status.nextSibling);
      }
    }

    function send(body, said) {
      if (busy) {
        // the help control is never lost: tapped while a turn is on its way (a frightened person
        // taps an option, then help at once), it waits and goes as soon as that turn is answered.
        // Other input is dropped, as before: its buttons are about to be replaced.
        if (body.command) { pending = { body: body, said: said }; }
        return;
      }
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
        if (reply.resources && reply.resources.length) { addResources(reply.resources); }
        setSeq(reply.seq);
        var target = renderInputs(reply);
        if (target) { target.focus(); }
      }).catch(function () {
        showError(null);
      }).then(function () {
        busy = false;
        main.removeAttribute("aria-busy");
        status.textContent = "";
        if (pending) {
          var next = pending;
          pending = null;
          send(next.body, next.said);
        }
      });
    }

    main.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.id === "options") {
        event.preventDefault();
        var button = event.submitter || form.querySelector("button");
        send({ choice: button.value }, button.textContent);
      } else if (form.id === "text-form") {
        event.preventDefault();
        var field = form.querySelector("#text");
        var text = field.value;
        if (!text.trim()) { return; }
        send({ text: text }, text);
      }
    });

    // on the body, not the document: a new chat replaces the body, and these go with it
    document.body.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.matches("form[data-help]")) {
        event.preventDefault();
        send({ command: "help" }, form.querySelector("button").textContent);
      } else if (form.matches("form[data-leave]")) {
        event.preventDefault();
        leave();
      }
    });

    // Enter sends, Shift+Enter makes a new line
    main.addEventListener("keydown", function (event) {
      if (event.target.id === "text" && event.target.tagName === "TEXTAREA" && event.key === "Enter" &&
          !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        event.target.form.requestSubmit();
      }
    });

    var first = document.getElementById("text");
    if (first && first.tagName === "TEXTAREA") { first.focus(); }
  }

})();
