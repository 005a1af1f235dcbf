/* Pishkhan web chat widget: <script src="https://hub/webchat/widget.js" data-inbox="<id>" async></script>
 * No dependencies; its own shadow DOM so the page's CSS cannot break it (nor it the page).
 * Right-to-left for Persian; pre-chat identification; typing indicator both ways; when nobody
 * is online it asks for an e-mail and says the answer will come by e-mail. */
/* global window, document, localStorage, WebSocket, navigator, clearTimeout */
(function () {
  var script = document.currentScript;
  if (!script || window.__pishkhanChat) return;
  window.__pishkhanChat = true;
  var inboxId = script.getAttribute('data-inbox');
  var base = new URL(script.src).origin;
  var wsBase = base.replace(/^http/, 'ws');
  var storeKey = 'pishkhan-chat:' + inboxId;
  var T = {
    fa: {
      open: 'گفتگو با ما',
      name: 'نام',
      email: 'ایمیل',
      start: 'شروع گفتگو',
      send: 'ارسال',
      placeholder: 'پیام خود را بنویسید…',
      typing: 'در حال نوشتن…',
      offline: 'اکنون کسی آنلاین نیست؛ ایمیل خود را بگذارید تا پاسخ را به ایمیلتان بفرستیم.',
      needEmail: 'برای پاسخ از طریق ایمیل، ایمیل لازم است.',
      notSent: 'ارسال نشد',
    },
    en: {
      open: 'Chat with us',
      name: 'Name',
      email: 'E-mail',
      start: 'Start chat',
      send: 'Send',
      placeholder: 'Write a message…',
      typing: 'typing…',
      offline: "Nobody is online right now: leave your e-mail and we'll answer by e-mail.",
      needEmail: 'An e-mail is needed to answer you by e-mail.',
      notSent: 'Not sent',
    },
  };
  var state = {
    session: null,
    online: true,
    lang: script.getAttribute('data-lang') || '',
    socket: null,
    retry: 0,
    ready: false,
    seen: {},
    // Sent messages the hub has not acknowledged yet, kept across page loads: sent again on every
    // (re)connection (the hub keeps one message per clientId), so a message typed while the socket
    // is still opening, while it reconnects or just before the visitor leaves the page is not lost.
    outbox: [],
  };
  try {
    var saved = JSON.parse(localStorage.getItem(storeKey) || 'null');
    if (saved && saved.session) Object.assign(state, saved);
  } catch {
    /* private mode: no memory between visits */
  }
  if (!state.lang)
    state.lang = document.documentElement.dir === 'rtl' || /^fa/i.test(navigator.language) ? 'fa' : 'en';
  var t = function (k) {
    return (T[state.lang] || T.fa)[k];
  };

  var host = document.createElement('div');
  host.id = 'pishkhan-chat';
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: 'open' });
  root.innerHTML =
    '<style>' +
    ':host{all:initial}.w{position:fixed;bottom:16px;inset-inline-end:16px;font:14px/1.5 Vazirmatn,Tahoma,system-ui,sans-serif;z-index:2147483000}' +
    '.b{background:var(--c);color:#fff;border:0;border-radius:24px;padding:10px 18px;cursor:pointer}' +
    '.p{display:none;width:320px;height:440px;background:#fff;border-radius:12px;box-shadow:0 8px 32px #0003;flex-direction:column;overflow:hidden}' +
    '.o .p{display:flex}.o .l{display:none}.h{background:var(--c);color:#fff;padding:12px}' +
    '.m{flex:1;overflow:auto;padding:8px;display:flex;flex-direction:column;gap:6px}' +
    '.x{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap}.v{align-self:flex-end;background:#e7f5ff}.a{align-self:flex-start;background:#f1f3f5}' +
    'form{display:flex;gap:6px;padding:8px;border-top:1px solid #eee}input{flex:1;padding:6px;border:1px solid #ccc;border-radius:6px;font:inherit}' +
    '.f{background:#fff5f5;border:1px solid #ffa8a8}.f small{display:block;color:#c92a2a}' +
    '.pre{flex-direction:column;padding:12px;gap:8px;border:0}.n{color:#666;font-size:12px;padding:0 10px;min-height:18px}.off{background:#fff3bf;padding:6px 10px;font-size:12px}' +
    '</style>' +
    '<div class="w"><button class="b l" part="button"></button><div class="p"><div class="h"></div><div class="off" hidden></div>' +
    '<div class="m"></div><div class="n"></div>' +
    '<form class="pre"><input name="name"><input name="email" type="email"><button class="b" type="submit"></button></form>' +
    '<form class="c" hidden><input name="text" autocomplete="off" maxlength="5000"><button class="b" type="submit"></button></form></div></div>';
  var $ = function (s) {
    return root.querySelector(s);
  };
  var wrap = $('.w');
  var list = $('.m');
  var note = $('.n');
  var pre = $('.pre');
  var chat = $('.c');

  function apply(config) {
    if (config) {
      state.lang = config.lang || state.lang;
      wrap.style.setProperty('--c', config.color || '#0b7285');
      $('.h').textContent = config.title || t('open');
    }
    wrap.setAttribute('dir', state.lang === 'fa' ? 'rtl' : 'ltr');
    wrap.setAttribute('lang', state.lang);
    $('.l').textContent = t('open');
    pre.name.placeholder = t('name');
    pre.email.placeholder = t('email');
    pre.querySelector('button').textContent = t('start');
    chat.text.placeholder = t('placeholder');
    chat.querySelector('button').textContent = t('send');
    var off = $('.off');
    off.hidden = state.online;
    off.textContent = t('offline');
  }
  wrap.style.setProperty('--c', state.color || '#0b7285');
  apply(state.config);

  /** A visitor's message is known by its clientId until the hub stores it, and after. */
  function bubbleIdOf(clientId) {
    return 'c:' + clientId;
  }

  function add(from, body, id) {
    if (id && state.seen[id]) return;
    if (id) state.seen[id] = true;
    var el = document.createElement('div');
    el.className = 'x ' + (from === 'visitor' ? 'v' : 'a');
    el.setAttribute('data-from', from);
    if (id) el.setAttribute('data-id', id);
    el.textContent = body;
    list.appendChild(el);
    list.scrollTop = list.scrollHeight;
  }

  function save() {
    try {
      localStorage.setItem(
        storeKey,
        JSON.stringify({
          session: state.session,
          online: state.online,
          lang: state.lang,
          config: state.config,
          outbox: state.outbox,
        }),
      );
    } catch {
      /* ignore */
    }
  }

  /** The hub answered this message (took it or refused it): it leaves the outbox. */
  function settle(clientId) {
    state.outbox = state.outbox.filter(function (frame) {
      return frame.clientId !== clientId;
    });
    save();
  }

  function history() {
    return fetch(base + '/webchat/' + inboxId + '/history?session=' + encodeURIComponent(state.session))
      .then(function (r) {
        return r.ok ? r.json() : { messages: [] };
      })
      .then(function (h) {
        h.messages.forEach(function (m) {
          add(m.from, m.body, m.clientId ? bubbleIdOf(m.clientId) : m.id);
        });
        // Still unacknowledged, after the stored ones (only those from an earlier page load are new here).
        state.outbox.forEach(function (frame) {
          add('visitor', frame.text, bubbleIdOf(frame.clientId));
        });
      });
  }

  var typingTimer = null;
  function connect() {
    var socket = new WebSocket(
      wsBase + '/webchat/' + inboxId + '/socket?session=' + encodeURIComponent(state.session),
    );
    state.socket = socket;
    socket.onmessage = function (event) {
      var f = JSON.parse(event.data);
      if (f.type === 'ready') {
        state.retry = 0;
        state.ready = true;
        state.outbox.forEach(function (frame) {
          socket.send(JSON.stringify(frame));
        });
        history();
      } else if (f.type === 'message') {
        note.textContent = '';
        add('agent', f.body, f.id);
      } else if (f.type === 'ack') {
        settle(f.clientId);
      } else if (f.type === 'rejected') {
        // The hub will never take this message: it is not sent again, and says so where it is shown.
        settle(f.clientId);
        list.querySelectorAll('.x').forEach(function (el) {
          if (el.getAttribute('data-id') !== bubbleIdOf(f.clientId)) return;
          var why = document.createElement('small');
          why.textContent = t('notSent');
          why.title = f.reason || '';
          el.classList.add('f');
          el.appendChild(why);
        });
      } else if (f.type === 'typing') {
        note.textContent = f.on ? t('typing') : '';
        clearTimeout(typingTimer);
        if (f.on)
          typingTimer = setTimeout(function () {
            note.textContent = '';
          }, 6000);
      }
    };
    socket.onclose = function (event) {
      state.socket = null;
      state.ready = false;
      if (event.code === 4401) {
        state.session = null;
        state.outbox = [];
        save();
        show();
        return;
      }
      // Reconnect with backoff; history fills in what was missed.
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, state.retry++)));
    };
  }

  function show() {
    pre.hidden = !!state.session;
    pre.style.display = state.session ? 'none' : 'flex';
    chat.hidden = !state.session;
    if (state.session && !state.socket) connect();
  }

  $('.l').addEventListener('click', function () {
    wrap.classList.add('o');
    show();
    if (!state.session)
      fetch(base + '/webchat/' + inboxId + '/status')
        .then(function (r) {
          return r.json();
        })
        .then(function (s) {
          if (s.config) {
            state.online = s.online;
            state.config = s.config;
            apply(s.config);
          }
        });
  });
  pre.addEventListener('submit', function (e) {
    e.preventDefault();
    var email = pre.email.value.trim();
    if (!state.online && !email) {
      note.textContent = t('needEmail');
      return;
    }
    var body = { name: pre.name.value.trim() || undefined, email: email || undefined };
    fetch(base + '/webchat/' + inboxId + '/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (s) {
        if (!s.session) {
          note.textContent = (s.error && s.error.message) || 'error';
          return;
        }
        state.session = s.session;
        state.online = s.online;
        state.config = s.config;
        state.color = s.config.color;
        note.textContent = '';
        apply(s.config);
        save();
        show();
      });
  });
  var lastTyping = 0;
  chat.text.addEventListener('input', function () {
    var now = Date.now();
    if (state.ready && now - lastTyping > 2000) {
      lastTyping = now;
      state.socket.send(JSON.stringify({ type: 'typing', on: true }));
    }
  });
  chat.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = chat.text.value.trim();
    if (!text) return;
    var frame = {
      type: 'message',
      text: text,
      clientId: Date.now().toString(36) + Math.random().toString(36).slice(2, 8),
    };
    state.outbox.push(frame);
    save();
    if (state.ready) state.socket.send(JSON.stringify(frame));
    add('visitor', text, bubbleIdOf(frame.clientId));
    chat.text.value = '';
    lastTyping = 0;
  });
  if (state.session) {
    show();
  }
})();
