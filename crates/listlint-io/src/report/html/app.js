(function () {
  'use strict';
  // Everything shown comes from the JSON below and is put into the page
  // with textContent and setAttribute only, never as markup.
  var data = JSON.parse(document.getElementById('listlint-data').textContent);
  var L = data.labels;
  var RULES = data.rules;
  var FILES = data.files;
  var LISTINGS = data.listings;
  var FIELD_NAMES = data.fields;
  var CATEGORY_NAMES = data.categories;
  var SEVERITIES = ['error', 'warning', 'info'];
  var PAGE_SIZE = 50;
  var TOTAL = 0;
  LISTINGS.forEach(function (x) {
    TOTAL += x.x.length;
    // A message is its text, or its number in the message table.
    x.x.forEach(function (f) { if (typeof f.m === 'number') f.m = data.messages[f.m]; });
  });

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }

  var severity = $('filter-severity');
  var category = $('filter-category');
  var rule = $('filter-rule');
  var search = $('filter-q');
  var list = $('listings');
  var status = $('status');
  var pagers = [$('pager-top'), $('pager-bottom')];

  function option(select, value, text) {
    var o = el('option', null, text);
    o.value = value;
    select.appendChild(o);
  }
  option(severity, '', L.all);
  SEVERITIES.forEach(function (s) { option(severity, s, L[s]); });
  var categories = [];
  RULES.forEach(function (r) {
    if (categories.indexOf(r.category) < 0) categories.push(r.category);
  });
  categories.sort();
  option(category, '', L.all);
  categories.forEach(function (c) { option(category, c, categoryLabel(c)); });
  option(rule, '', L.all);
  RULES.map(function (r) { return r; })
    .sort(function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; })
    .forEach(function (r) { option(rule, r.id, r.summary ? r.id + ' ' + r.summary : r.id); });

  // Filter state lives in the address's fragment, so a filtered view can
  // be bookmarked or sent: #severity=error&category=…&rule=…&q=…&page=2
  function readState() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    var page = parseInt(p.get('page') || '1', 10);
    return {
      severity: p.get('severity') || '',
      category: p.get('category') || '',
      rule: p.get('rule') || '',
      q: p.get('q') || '',
      page: page > 0 ? page : 1
    };
  }
  function writeState(s) {
    var p = new URLSearchParams();
    ['severity', 'category', 'rule', 'q'].forEach(function (k) { if (s[k]) p.set(k, s[k]); });
    if (s.page > 1) p.set('page', String(s.page));
    var hash = p.toString();
    if (hash === location.hash.replace(/^#/, '')) render();
    else location.hash = hash;
  }
  function fromControls() {
    return {
      severity: severity.value, category: category.value, rule: rule.value,
      q: search.value.trim(), page: 1
    };
  }
  [severity, category, rule].forEach(function (c) {
    c.addEventListener('change', function () { writeState(fromControls()); });
  });
  var typing = 0;
  search.addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () { writeState(fromControls()); }, 250);
  });
  $('filter-reset').addEventListener('click', function () {
    writeState({ severity: '', category: '', rule: '', q: '', page: 1 });
  });
  window.addEventListener('hashchange', render);

  function pieceText(piece) {
    return piece === null ? '' : typeof piece === 'string' ? piece : piece[0];
  }
  function groupText(group) {
    if (group.lower === undefined) group.lower = group.p.map(pieceText).join('').toLowerCase();
    return group.lower;
  }
  function listingText(x) {
    if (x.lower === undefined) x.lower = ((x.i || '') + '\n' + FILES[x.f]).toLowerCase();
    return x.lower;
  }
  function findingText(x, f) {
    if (f.lower === undefined) {
      var r = RULES[f.r];
      f.lower = [r.id, categoryLabel(r.category), f.m, f.t || '', f.g || '', f.n || '']
        .join('\n').toLowerCase();
    }
    return f.lower + (f.d !== undefined ? '\n' + groupText(x.g[f.d]) : '');
  }

  function categoryLabel(name) {
    return CATEGORY_NAMES[name] ? CATEGORY_NAMES[name] + ' ' + name : name;
  }
  function fieldLabel(name, repeat) {
    var label = FIELD_NAMES[name] ? FIELD_NAMES[name] + ' ' + name : name;
    return repeat ? label + ' ' + L.repeat : label;
  }

  function renderPiece(piece, x, visible) {
    if (piece === null) return el('span', 'gap', '…');
    if (typeof piece === 'string') return document.createTextNode(piece);
    var shown = piece[1].filter(function (i) { return visible[i]; });
    var node = document.createTextNode(piece[0]);
    for (var k = shown.length - 1; k >= 0; k--) {
      var f = x.x[shown[k]];
      var mark = el('mark', 'sev-' + SEVERITIES[f.s]);
      mark.setAttribute('data-rule', RULES[f.r].id);
      mark.title = RULES[f.r].id + ': ' + f.m;
      mark.appendChild(node);
      node = mark;
    }
    return node;
  }

  function findingItem(x, f) {
    var r = RULES[f.r];
    var sev = SEVERITIES[f.s];
    var li = el('li', 'finding sev-' + sev);
    li.setAttribute('data-rule', r.id);
    var head = el('div', 'finding-head');
    head.appendChild(el('span', 'badge sev-' + sev, L[sev]));
    head.appendChild(el('code', 'rule', r.id));
    head.appendChild(el('span', 'cat', categoryLabel(r.category)));
    var field = f.d !== undefined ? x.g[f.d].n : f.n;
    if (field) head.appendChild(el('span', 'fld', fieldLabel(field, false)));
    li.appendChild(head);
    // The matched text, unless the message quotes it already.
    var quoted = f.t && f.m.indexOf(f.t) < 0 ? f.m + ' 「' + f.t + '」' : f.m;
    li.appendChild(el('p', 'msg', quoted));
    if (f.w) li.appendChild(el('p', 'why', fill(L.because, { field: fieldLabel(f.w[0], false), text: f.w[1] })));
    if (f.g) li.appendChild(el('p', 'suggest', L.suggestion + '：' + (f.t ? f.t + ' → ' : '') + f.g));
    var help = f.h !== undefined ? f.h : r.help;
    if (help) li.appendChild(el('p', 'help', L.help + '：' + help));
    if (r.refs && r.refs.length) li.appendChild(el('p', 'basis', L.legal + '：' + r.refs.join('；')));
    return li;
  }

  function card(x, hits) {
    var article = el('article', 'listing');
    var head = el('h3', 'listing-head');
    head.appendChild(el('span', 'lid', x.i !== null && x.i !== undefined
      ? L.listing + ' ' + x.i : x.r === 0 ? L.whole_file : fill(L.record, { n: x.r })));
    head.appendChild(el('span', 'loc', FILES[x.f] + ' · ' + fill(L.line, { n: x.l })));
    article.appendChild(head);
    var visible = {};
    var groups = {};
    hits.forEach(function (j) {
      visible[j] = true;
      if (x.x[j].d !== undefined) groups[x.x[j].d] = true;
    });
    x.g.forEach(function (g, gi) {
      if (!groups[gi]) return;
      var box = el('div', 'field');
      box.appendChild(el('div', 'field-name', fieldLabel(g.n, g.v)));
      var text = el('p', 'field-text');
      g.p.forEach(function (piece) { text.appendChild(renderPiece(piece, x, visible)); });
      box.appendChild(text);
      article.appendChild(box);
    });
    var items = el('ol', 'findings');
    hits.forEach(function (j) { items.appendChild(findingItem(x, x.x[j])); });
    article.appendChild(items);
    return article;
  }

  function pager(target, s, pages) {
    target.textContent = '';
    if (pages <= 1) return;
    var prev = el('button', null, L.prev);
    prev.type = 'button';
    prev.disabled = s.page <= 1;
    prev.addEventListener('click', function () { s.page -= 1; writeState(s); });
    var next = el('button', null, L.next);
    next.type = 'button';
    next.disabled = s.page >= pages;
    next.addEventListener('click', function () { s.page += 1; writeState(s); });
    target.appendChild(prev);
    target.appendChild(el('span', 'page', fill(L.page, { page: s.page, pages: pages })));
    target.appendChild(next);
  }

  // Shows `value` in `select`, adding it when the address names a value
  // that no finding has (a rule of another run, say).
  function choose(select, value) {
    select.value = value;
    if (select.value !== value) {
      option(select, value, value);
      select.value = value;
    }
  }

  function render() {
    var s = readState();
    choose(severity, s.severity);
    choose(category, s.category);
    choose(rule, s.rule);
    if (document.activeElement !== search) search.value = s.q;
    var q = s.q.toLowerCase();
    var shown = [];
    var count = 0;
    for (var i = 0; i < LISTINGS.length; i++) {
      var x = LISTINGS[i];
      var whole = q !== '' && listingText(x).indexOf(q) >= 0;
      var hits = [];
      for (var j = 0; j < x.x.length; j++) {
        var f = x.x[j];
        var r = RULES[f.r];
        if (s.severity && SEVERITIES[f.s] !== s.severity) continue;
        if (s.category && r.category !== s.category) continue;
        if (s.rule && r.id !== s.rule) continue;
        if (q && !whole && findingText(x, f).indexOf(q) < 0) continue;
        hits.push(j);
      }
      if (hits.length) {
        shown.push([x, hits]);
        count += hits.length;
      }
    }
    var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    if (s.page > pages) s.page = pages;
    status.textContent = fill(L.showing, { shown: count, total: TOTAL, listings: shown.length });
    var fragment = document.createDocumentFragment();
    shown.slice((s.page - 1) * PAGE_SIZE, s.page * PAGE_SIZE).forEach(function (item) {
      fragment.appendChild(card(item[0], item[1]));
    });
    if (!shown.length) fragment.appendChild(el('p', 'empty', TOTAL ? L.no_match : L.none));
    list.textContent = '';
    list.appendChild(fragment);
    pagers.forEach(function (p) { pager(p, s, pages); });
  }

  render();
}());
