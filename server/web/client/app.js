// chat's web client: the line protocol (docs/PROTOCOL.md) over the
// WebSocket at /ws, subprotocol chat.lines. Plain JavaScript, no build
// step, nothing loaded from elsewhere. One room at a time, as the line
// protocol is (docs/WEB.md); private messages are conversations of their own.
// Passwords (log in, register) go only over the socket, only from the
// account forms' password fields, which are cleared once sent; the page
// never shows, logs or stores them.
'use strict';

const COMMANDS = ['/help', '/join', '/login', '/logout', '/me', '/msg', '/nick', '/password', '/quit', '/register',
                  '/rooms', '/who'];
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const state = {
  ws: null,
  wanted: params.get('nick') || localStorage.getItem('chat.nick') || '',
  me: '',                 // our name as the server knows it
  room: '',               // the room we are in ('' until known)
  wantedRoom: roomName(params.get('room') || ''),
  rooms: new Map(),       // '#room' -> users
  members: new Set(),
  convs: new Map(),       // name -> { log: element, unread: n }
  view: '',               // '' the room, else a conversation's name
  quiet: { who: 0, rooms: 0 },  // replies to requests the page made itself
  swallowing: '',         // 'who' or 'rooms' while a split reply continues
  history: false,         // between "Recent messages" and its end
  attempt: 0,             // reconnects since the last welcome
  quit: false,
  timer: 0,
  refresh: 0,
  completion: null,
  account: '',            // the account we are logged in to ('' if none)
  accountAsked: false,    // a /login or /register of ours awaits its answer
};

// chatd refuses passwords on a plain connection from another machine
// (docs/PROTOCOL.md, Accounts); the page refuses to send them there at all,
// so a password never crosses a network in clear.
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const passwordsRefused = location.protocol !== 'https:' && !LOOPBACK.test(location.hostname);

function roomName(s) {
  s = (s || '').trim();
  return s === '' ? '' : s.startsWith('#') ? s : '#' + s;
}

// ---------------------------------------------------------------- the log

const roomLog = document.createElement('div');

function logFor(view) {
  if (!view) return roomLog;
  let conv = state.convs.get(view);
  if (!conv) {
    const log = document.createElement('div');
    log.hidden = true;
    $('log').append(log);
    conv = { log, unread: 0 };
    state.convs.set(view, conv);
    renderConvs();
  }
  return conv.log;
}

function add(view, text, cls = [], time = '') {
  const log = logFor(view);
  const p = document.createElement('p');
  for (const c of cls) p.classList.add(c);
  if (time) {
    const t = document.createElement('span');
    t.className = 'time';
    t.textContent = time;
    p.append(t);
  }
  const m = /^(\[[^\]]*\]|\* \S+)( .*)?$/s.exec(text);
  if (m) {
    const n = document.createElement('span');
    n.className = 'nick';
    n.textContent = m[1];
    p.append(n, document.createTextNode(m[2] || ''));
  } else {
    p.append(document.createTextNode(text));
  }
  const box = $('log');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  log.append(p);
  while (log.childElementCount > 2000) log.firstElementChild.remove();
  if (atBottom) box.scrollTop = box.scrollHeight;
  if (view && view !== state.view) {
    state.convs.get(view).unread++;
    renderConvs();
  }
}

function now() {
  const d = new Date();
  return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
}

function mentions(text) {
  if (!state.me) return false;
  const name = state.me.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp('(^|[^\\p{L}\\p{N}_])' + name + '($|[^\\p{L}\\p{N}_])', 'iu').test(text);
}

function notify(title, body) {
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  try { new Notification(title, { body }); } catch (e) { /* some browsers allow it only from a service worker */ }
}

// ---------------------------------------------------------- the side panel

function button(label, current, extra, onClick) {
  const li = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (current) b.setAttribute('aria-current', 'true');
  if (extra) b.append(extra);
  b.addEventListener('click', onClick);
  li.append(b);
  return li;
}

function badge(cls, text, label) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  if (label) s.setAttribute('aria-label', label);
  return s;
}

function renderRooms() {
  const ul = $('rooms');
  ul.replaceChildren();
  const names = [...state.rooms.keys()];
  if (state.room && !state.rooms.has(state.room)) names.push(state.room);
  names.sort();
  for (const name of names) {
    const n = state.rooms.get(name);
    const extra = n === undefined ? null : badge('count', String(n), n + (n === 1 ? ' user' : ' users'));
    ul.append(button(name, name === state.room && !state.view, extra, () => {
      if (name === state.room) show('');
      else send('/join ' + name);
    }));
  }
}

function renderConvs() {
  const ul = $('convs');
  ul.replaceChildren();
  for (const [name, conv] of state.convs) {
    const extra = conv.unread ? badge('unread', String(conv.unread), conv.unread + ' unread') : null;
    ul.append(button(name, state.view === name, extra, () => show(name)));
  }
}

function renderMembers() {
  const ul = $('members');
  ul.replaceChildren();
  $('members-title').textContent = 'Here' + (state.members.size ? ' (' + state.members.size + ')' : '');
  for (const name of [...state.members].sort((a, b) => a.localeCompare(b))) {
    if (name === state.me) {
      const li = document.createElement('li');
      li.className = 'me';
      li.textContent = name + ' (you)';
      ul.append(li);
    } else {
      ul.append(button(name, false, null, () => { show(name); $('message').focus(); }));
    }
  }
}

function show(view) {
  state.view = view;
  roomLog.hidden = view !== '';
  for (const [name, conv] of state.convs) {
    conv.log.hidden = name !== view;
    if (name === view) conv.unread = 0;
  }
  $('where').textContent = view ? 'private: ' + view : state.room;
  $('message').placeholder = view ? 'Message to ' + view : 'Message, or /help for commands (Tab completes)';
  renderRooms();
  renderConvs();
  $('log').scrollTop = $('log').scrollHeight;
}

// ------------------------------------------------------- the line protocol

function parseList(line) {  // "> Online (3): a, b, c" -> [a, b, c] and whether it continues
  const body = line.replace(/^>\s+/, '').replace(/^[^:]*\(\d+\): /, '');
  const more = body.endsWith(',');
  return { items: body.split(',').map((s) => s.trim()).filter(Boolean), more };
}

function swallow(line) {
  if (state.swallowing && line.startsWith('>   ')) {
    absorb(state.swallowing, line, false);
    return true;
  }
  state.swallowing = '';
  if (state.quiet.rooms && /^> Rooms \(\d+\): /.test(line)) {
    state.quiet.rooms--;
    absorb('rooms', line, true);
    return true;
  }
  const where = /^> In (#\S+) \(\d+\): /.exec(line);
  if (state.quiet.who && (where || /^> Online \(\d+\): /.test(line))) {
    state.quiet.who--;
    if (where && state.room !== where[1]) setRoom(where[1]);
    absorb('who', line, true);
    return true;
  }
  return false;
}

function absorb(kind, line, first) {
  const { items, more } = parseList(line);
  if (kind === 'rooms') {
    if (first) state.rooms.clear();
    for (const item of items) {
      const m = /^(#\S+) \((\d+)\)$/.exec(item);
      if (m) state.rooms.set(m[1], Number(m[2]));
    }
    // "> Online" (everyone in the default room) names no room: a lone room is ours.
    if (!state.room && !more && state.rooms.size === 1) setRoom([...state.rooms.keys()][0]);
    renderRooms();
  } else {
    if (first) state.members.clear();
    for (const item of items) state.members.add(item);
    renderMembers();
  }
  state.swallowing = more ? kind : '';
}

function setRoom(room) {
  state.room = room;
  if (room) localStorage.setItem('chat.room', room);
  if (!state.view) $('where').textContent = room;
  renderRooms();
}

function onLine(line) {
  if (swallow(line)) return;
  let m;
  if (state.history) {
    if (line === '> End of recent messages') {
      state.history = false;
      return;
    }
    m = /^((?:\d{4}-\d\d-\d\d )?\d\d:\d\d) (.*)$/s.exec(line);
    if (m) return add('', m[2], ['history'], m[1]);
  }
  if (/^> Recent messages \(\d+\):$/.test(line)) {
    state.history = true;
    return;
  }
  if ((m = /^\[You -> (.+?)\] (.*)$/s.exec(line))) return add(m[1], '[You] ' + m[2], ['own'], now());
  if ((m = /^\[(.+?) -> you\] (.*)$/s.exec(line))) {
    add(m[1], '[' + m[1] + '] ' + m[2], [], now());
    notify('Private message from ' + m[1], m[2]);
    return;
  }
  if ((m = /^\[(.+?)\] (.*)$/s.exec(line)) || (m = /^\* (\S+) (.*)$/s.exec(line))) {
    const mention = mentions(m[2]);
    add('', line, mention ? ['mention'] : [], now());
    if (mention) notify(m[1] + ' mentioned you in ' + (state.room || 'the chat'), m[2]);
    return;
  }
  if ((m = /^> Connected to the chat server/.exec(line))) {
    state.attempt = 0;
    status('online');
    add('', line, ['info'], now());
    return;
  }
  if (onAccountLine(line)) {
    add('', line, line.startsWith('!') ? ['error'] : ['info'], now());
    return;
  }
  if ((m = /^> You are now known as (.+)$/.exec(line))) {
    state.members.delete(state.me);
    state.me = m[1];
    state.members.add(state.me);
    localStorage.setItem('chat.nick', state.me);
    renderMembers();
    renderAccount();
  } else if ((m = /^> (.+) is now known as (.+)$/.exec(line))) {
    state.members.delete(m[1]);
    state.members.add(m[2]);
    renderMembers();
  } else if ((m = /^> New user (.+) entered \(/.exec(line))) {
    state.members.add(m[1]);
    renderMembers();
  } else if ((m = /^< The user (.+) left \(/.exec(line))) {
    state.members.delete(m[1]);
    renderMembers();
  } else if ((m = /^< (.+) left for (#\S+) \((\d+) users? here\)$/.exec(line))) {
    state.members.delete(m[1]);
    renderMembers();
    quiet('rooms');
  } else if ((m = /^> (.+) joined (#\S+) \((\d+) users? here\)$/.exec(line))) {
    state.members.add(m[1]);
    state.rooms.set(m[2], Number(m[3]));
    renderMembers();
    renderRooms();
  } else if ((m = /^> You are now in (#\S+) \((\d+) users? here\)$/.exec(line))) {
    roomLog.replaceChildren();
    state.rooms.set(m[1], Number(m[2]));
    setRoom(m[1]);
    show('');
    quiet('who');
    quiet('rooms');
  }
  add('', line, line.startsWith('!') ? ['error'] : ['info'], now());
}

// ------------------------------------------------------------ accounts

function setMe(name) {
  state.members.delete(state.me);
  state.me = name;
  if (name) {
    state.members.add(name);
    state.wanted = name;
    localStorage.setItem('chat.nick', name);
  }
  renderMembers();
  renderAccount();
}

function note(text, error = false) {
  const el = $('account-note');
  el.textContent = text;
  el.className = error ? 'error' : '';
}

function renderAccount() {
  $('account-state').textContent = state.account ? 'Logged in as ' + state.account : 'Not logged in';
  $('logout').hidden = !state.account;
  $('account-forms').hidden = !!state.account;
  if (state.account) $('account-forms').open = false;  // closed again, for the next time
  $('register-name').textContent = state.me || 'your nickname';
}

function openAccount(name, text) {
  const forms = $('account-forms');
  forms.hidden = false;
  forms.open = true;
  if (name) $('login-name').value = name;
  if (text) note(text, true);
  (passwordsRefused ? $('plain-warning') : name ? $('login-password') : $('login-name')).focus();
}

// The account lines of docs/PROTOCOL.md; true if `line` was one.
function onAccountLine(line) {
  let m;
  if ((m = /^> You are logged in as (.+)$/.exec(line))) {
    state.account = m[1];
    state.accountAsked = false;
    setMe(m[1]);
    note('');
    return true;
  }
  if ((m = /^> Nickname (.+) is registered to you: /.exec(line))) {
    state.account = m[1];
    state.accountAsked = false;
    setMe(m[1]);
    note('Registered: next time, log in as ' + m[1] + ' with that password.');
    return true;
  }
  if (line === '> You are logged out') {
    state.account = '';
    setMe('');  // we are our address name again, which chatd does not tell us
    quiet('who');
    note('');
    return true;
  }
  if ((m = /^! nickname (.+) is registered: \/login (.+) PASSWORD$/.exec(line))) {
    openAccount(m[2], m[1] + ' is registered: log in with its password, or pick another nickname.');
    return true;
  }
  if ((m = /^! nickname (.+) belongs to its registered owner: you are (.+) again$/.exec(line))) {
    setMe(m[2]);
    return true;
  }
  if (line === '! you logged in from another connection') {
    state.account = '';
    renderAccount();
    note('You logged in from another connection: this one is closed.', true);
    return true;
  }
  if (line.startsWith('! passwords only over TLS')) {
    state.accountAsked = false;
    note('chatd takes passwords only over an encrypted connection (https) or on its own machine: '
         + 'open this chat\'s https:// address to log in or register.', true);
    return true;
  }
  if (state.accountAsked && line.startsWith('! ')) {  // login failed, too short, taken, busy, no --store ...
    state.accountAsked = false;
    note(line.slice(2), true);
    return true;
  }
  return false;
}

function sendPassword(line) {
  if (passwordsRefused) {
    openAccount('', '');
    return false;
  }
  if (!send(line)) {
    note('Not sent: offline.', true);
    return false;
  }
  state.accountAsked = true;
  note('Checking…');
  return true;
}

function status(s) {
  const el = $('status');
  el.textContent = s;
  el.className = s === 'online' ? 'online' : 'offline';
}

// ------------------------------------------------------------ the socket

function send(line) {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
  state.ws.send(line);
  return true;
}

function quiet(kind) {
  if (send('/' + kind)) state.quiet[kind]++;
}

function connect() {
  clearTimeout(state.timer);
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  const ws = new WebSocket(url, 'chat.lines');
  state.ws = ws;
  status('connecting…');
  ws.addEventListener('open', () => {
    state.quiet = { who: 0, rooms: 0 };
    state.swallowing = '';
    state.history = false;
    state.me = '';
    state.account = '';  // a new connection is logged in to nothing; the password is not kept
    state.accountAsked = false;
    renderAccount();
    state.members.clear();
    if (state.wanted) send('/nick ' + state.wanted);
    const room = state.wantedRoom || state.room;
    state.room = '';
    if (room) send('/join ' + room);
    else quiet('who');
    quiet('rooms');
    clearInterval(state.refresh);
    state.refresh = setInterval(() => quiet('rooms'), 30000);
  });
  ws.addEventListener('message', (e) => { if (typeof e.data === 'string') onLine(e.data); });
  ws.addEventListener('close', (e) => {
    if (state.ws !== ws) return;
    clearInterval(state.refresh);
    state.ws = null;
    if (state.quit) {
      status('offline');
      add('', '> You left the chat. Reload the page to come back.', ['info'], now());
      return;
    }
    // Backoff with jitter: 1, 2, 4 ... 30 s; the draft in the box stays.
    const delay = Math.min(30, 2 ** state.attempt++) * (0.5 + Math.random() / 2);
    status('offline: reconnecting in ' + Math.ceil(delay) + ' s');
    if (e.code !== 1006 && e.reason) add('', '! disconnected: ' + e.reason, ['error'], now());
    state.wantedRoom = state.room || state.wantedRoom;
    state.timer = setTimeout(connect, delay * 1000);
  });
}

// ----------------------------------------------------------- the keyboard

function complete(input) {
  const value = input.value;
  const caret = input.selectionStart;
  if (!state.completion || state.completion.value !== value) {
    const before = value.slice(0, caret);
    const start = before.search(/\S*$/);
    const word = before.slice(start);
    if (!word) return false;
    let pool;
    if (start === 0 && word.startsWith('/')) pool = COMMANDS;
    else if (word.startsWith('#')) pool = [...state.rooms.keys()];
    else pool = [...state.members, ...state.convs.keys()].filter((n) => n !== state.me);
    const lw = word.toLowerCase();
    const found = [...new Set(pool)].filter((c) => c.toLowerCase().startsWith(lw)).sort();
    if (!found.length) return false;
    state.completion = { start, end: caret, found, i: -1, value };
  }
  const c = state.completion;
  c.i = (c.i + 1) % c.found.length;
  const suffix = c.start === 0 && !c.found[c.i].startsWith('/') && !c.found[c.i].startsWith('#') ? ': ' : ' ';
  const text = c.found[c.i] + suffix;
  input.value = value.slice(0, c.start) + text + value.slice(c.end);
  c.value = input.value;
  c.end = c.start + text.length;
  input.setSelectionRange(c.end, c.end);
  return true;
}

function submit(text) {
  if (!text.trim()) return true;
  // As `chat` prompts for it: /login NAME and /register without a password
  // open the forms instead of sending.
  let m;
  if ((m = /^\/login(?:\s+(\S+))?\s*$/.exec(text))) {
    openAccount(m[1] || state.me, '');
    return true;
  }
  if (/^\/register\s*$/.test(text)) {
    openAccount('', '');
    $('register-password').focus();
    return true;
  }
  if (/^\/(login|register|password)\s/.test(text)) {
    if (passwordsRefused) {  // not sent; the box is emptied so the password is not left on screen
      openAccount('', '');
      return true;
    }
    state.accountAsked = true;
  }
  if (state.view && !text.startsWith('/')) text = '/msg ' + state.view + ' ' + text;
  if (text === '/quit') state.quit = true;
  if (!send(text)) {
    add(state.view, '! not sent: offline (the message stays in the box)', ['error'], now());
    return false;
  }
  if (!text.startsWith('/') || text.startsWith('//')) {
    add('', '[You] ' + (text.startsWith('//') ? text.slice(1) : text), ['own'], now());
  }
  if ((/^\/(join|rooms|who)\b/).test(text)) state.swallowing = '';
  return true;
}

function start(nick) {
  state.wanted = nick;
  if (nick) localStorage.setItem('chat.nick', nick);
  $('login').hidden = true;
  $('chat').hidden = false;
  $('log').append(roomLog);
  if ('Notification' in window && Notification.permission === 'default') {
    Notification.requestPermission().catch(() => {});
  }
  connect();
  $('message').focus();
}

document.addEventListener('DOMContentLoaded', () => {
  $('message').addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey) {
      if (complete(e.target)) e.preventDefault();
    } else if (e.key !== 'Shift') {
      state.completion = null;
    }
    if (e.key === 'Escape' && state.view) show('');
  });
  $('send').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('message');
    if (submit(input.value)) input.value = '';
    state.completion = null;
  });
  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const room = roomName($('join-room').value);
    if (room && send('/join ' + room)) $('join-room').value = '';
  });
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('login-name').value.trim();
    const password = $('login-password').value;
    if (sendPassword('/login ' + name + ' ' + password)) $('login-password').value = '';
  });
  $('register-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const a = $('register-password'), b = $('register-password2');
    if (a.value !== b.value) {
      note('The two passwords differ.', true);
      b.focus();
      return;
    }
    if (!state.me) {
      note('Pick a nickname first (/nick NAME), then register it.', true);
      return;
    }
    if (sendPassword('/register ' + a.value)) a.value = b.value = '';
  });
  $('logout').addEventListener('click', () => send('/logout'));
  $('account-forms').addEventListener('toggle', () => {
    if ($('account-forms').open && !$('login-name').value) $('login-name').value = state.wanted || state.me;
  });
  renderAccount();
  $('plain-warning').hidden = !passwordsRefused;
  $('account-fields').disabled = passwordsRefused;
  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    state.wantedRoom = roomName($('room').value) || state.wantedRoom;
    start($('nick').value.trim());
  });
  if (!state.wantedRoom) state.wantedRoom = localStorage.getItem('chat.room') || '';
  if (params.has('nick') || state.wanted) {
    start(state.wanted);
  } else {
    $('login').hidden = false;
    $('room').value = state.wantedRoom;
    $('nick').focus();
  }
});
