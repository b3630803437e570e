/* The embeddable widget: <script src="https://BOT/widget.js" data-locale="es" defer></script>
   adds a launcher button that opens the chat in an iframe from the bot's own origin: a panel on
   wide screens, the whole screen on phones. The host page can read nothing of the conversation
   (another origin), and nothing is stored.

   Handshake: the chat page posts {type: "redirection-bot:ready"} to its parent when it loads.
   A frame the bot refuses (the host is not in the server's --frame-ancestors) never says so,
   and the panel offers to open the chat in a new tab instead of a broken frame. */
(function () {
  "use strict";
  var WORDS = /*WORDS*/{};
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var origin = new URL(script.src).origin;
  var locale = script.getAttribute("data-locale") || "en";
  var words = WORDS[locale] || WORDS.en || {
    open: "Open the chat", close: "Close the chat", title: "Chat",
    refused: "This site cannot show the chat inside the page.", new_tab: "Open the chat in a new tab"
  };
  var chatUrl = origin + "/?locale=" + encodeURIComponent(locale);
  var READY_GRACE = 1500;  // after the frame's load event, how long to wait for "ready"
  var PHONE = "(max-width: 40rem), (max-height: 32rem)";
  var panel = null, frame = null, ready = false, timer = null;

  function css(node, styles) { Object.keys(styles).forEach(function (k) { node.style[k] = styles[k]; }); }

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = words.open;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-redirection-bot", "launcher");
  css(button, {
    position: "fixed", right: "1rem", bottom: "1rem", zIndex: "2147483000", minHeight: "2.75rem",
    padding: "0.75rem 1.1rem", borderRadius: "2rem", border: "2px solid #1d4f91",
    background: "#1d4f91", color: "#fff", font: "600 1rem/1.2 system-ui, sans-serif", cursor: "pointer"
  });

  function layout() {
    if (!panel) { return; }
    var phone = window.matchMedia(PHONE).matches;
    panel.setAttribute("data-layout", phone ? "phone" : "panel");
    css(panel, phone
      ? { top: "0", left: "0", right: "0", bottom: "0", width: "100%", height: "100%", borderRadius: "0", border: "0" }
      : { top: "auto", left: "auto", right: "1rem", bottom: "4.5rem", width: "min(26rem, calc(100vw - 2rem))",
          height: "min(40rem, calc(100vh - 6rem))", borderRadius: "0.6rem", border: "1px solid #767676" });
    button.style.display = phone ? "none" : "";
  }

  function refused() {
    if (!panel || ready) { return; }
    panel.setAttribute("data-state", "refused");
    if (frame) { frame.parentNode.removeChild(frame); frame = null; }
    var box = document.createElement("div");
    box.setAttribute("data-redirection-bot", "refused");
    css(box, { padding: "1rem", font: "1rem/1.5 system-ui, sans-serif", color: "#1b1b1b" });
    var p = document.createElement("p");
    p.textContent = words.refused;
    var link = document.createElement("a");
    link.href = chatUrl;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = words.new_tab;
    css(link, { display: "inline-block", padding: "0.6rem 1rem", minHeight: "2.75rem", borderRadius: "0.4rem",
      background: "#1d4f91", color: "#fff", fontWeight: "600", textDecoration: "none" });
    box.appendChild(p);
    box.appendChild(link);
    panel.appendChild(box);
    link.focus();
  }

  function open() {
    ready = false;
    panel = document.createElement("div");
    panel.setAttribute("data-redirection-bot", "panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", words.title);
    css(panel, { position: "fixed", zIndex: "2147483001", display: "flex", flexDirection: "column",
      background: "#fff", boxShadow: "0 0.5rem 2rem rgba(0,0,0,.3)", overflow: "hidden" });
    var head = document.createElement("div");
    css(head, { display: "flex", alignItems: "center", justifyContent: "space-between", gap: "0.5rem",
      padding: "0.25rem 0.5rem 0.25rem 1rem", background: "#1d4f91", color: "#fff",
      font: "600 1rem/1.2 system-ui, sans-serif", flex: "0 0 auto" });
    var title = document.createElement("span");
    title.textContent = words.title;
    css(title, { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = words.close;
    close.setAttribute("data-redirection-bot", "close");
    css(close, { minHeight: "2.75rem", padding: "0.5rem 0.75rem", border: "2px solid #fff", borderRadius: "0.4rem",
      background: "transparent", color: "#fff", font: "inherit", cursor: "pointer", whiteSpace: "nowrap" });
    close.addEventListener("click", shut);
    head.appendChild(title);
    head.appendChild(close);
    panel.appendChild(head);

    frame = document.createElement("iframe");
    frame.src = chatUrl;
    frame.title = words.title;
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("sandbox", "allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-to-custom-protocols");
    frame.setAttribute("data-redirection-bot", "frame");
    css(frame, { flex: "1 1 auto", width: "100%", border: "0", background: "#fff" });
    frame.addEventListener("load", function () {
      if (ready) { return; }
      clearTimeout(timer);
      timer = setTimeout(refused, READY_GRACE);
    });
    panel.appendChild(frame);
    document.body.appendChild(panel);
    layout();
    button.textContent = words.close;
    button.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function shut() {
    clearTimeout(timer);
    if (panel) { panel.parentNode.removeChild(panel); }
    panel = null; frame = null; ready = false;
    button.style.display = "";
    button.textContent = words.open;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  button.addEventListener("click", function () { if (panel) { shut(); } else { open(); } });
  window.addEventListener("resize", layout);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || !frame || event.source !== frame.contentWindow) { return; }
    if (event.data.type === "redirection-bot:ready") {
      ready = true;
      clearTimeout(timer);
      if (panel) { panel.setAttribute("data-state", "ready"); }
    } else if (event.data.type === "redirection-bot:exit") {
      shut();
    }
  });

  function mount() { document.body.appendChild(button); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
