// listlint 商品文案检查: checks the form as the operator types (debounced),
// highlights each finding's span as <mark data-rule="RULE_ID">, applies a
// suggestion on click, and uploads export files for a report. Text from
// the server is only ever put into the page with textContent.
"use strict";

const FIELDS = ["title", "description", "category", "price"];
const SEVERITY = { error: "错误", warning: "警告", info: "提示" };
const FIELD_NAMES = { title: "标题", description: "描述", category: "类目", price: "价格" };
const DEBOUNCE_MS = 250;

const $ = (id) => document.getElementById(id);
const inputs = Object.fromEntries(FIELDS.map((f) => [f, $(f)]));
let timer = null;
let sequence = 0;

function token() {
  return sessionStorage.getItem("listlint-token") || "";
}

function headers(extra) {
  const h = Object.assign({}, extra);
  if (token()) h.Authorization = "Bearer " + token();
  return h;
}

function listing() {
  const l = { id: "web-form" };
  for (const f of FIELDS) {
    const v = inputs[f].value;
    if (v.trim() !== "") l[f] = v;
  }
  return l;
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(check, DEBOUNCE_MS);
}

async function check() {
  const mine = ++sequence;
  const l = listing();
  updateShare(l);
  if (!l.title && !l.description) {
    render([], l);
    $("status").textContent = "就绪";
    return;
  }
  $("status").textContent = "检查中…";
  let response;
  try {
    response = await fetch("/v1/check", {
      method: "POST",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ listings: [l] }),
    });
  } catch (e) {
    $("status").textContent = "无法连接服务器";
    return;
  }
  if (mine !== sequence) return;
  if (response.status === 401) {
    $("token-box").hidden = false;
    $("status").textContent = "需要访问令牌";
    return;
  }
  const body = await response.json();
  if (!response.ok) {
    $("status").textContent = "出错：" + (body.error ? body.error.message : response.status);
    return;
  }
  render(body.findings, l);
  $("status").textContent = body.findings.length ? "发现 " + body.findings.length + " 个问题" : "未发现问题";
}

// The preview of a field: its text with each finding's span marked
// (offsets are in characters, i.e. code points).
function preview(field, text, findings) {
  const box = $(field + "-preview");
  box.textContent = "";
  if (!text) return;
  const chars = Array.from(text);
  const spans = findings
    .filter((f) => f.field === field && f.start != null && f.end != null)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let at = 0;
  for (const f of spans) {
    if (f.start < at) continue; // overlaps one already marked
    box.appendChild(document.createTextNode(chars.slice(at, f.start).join("")));
    const mark = document.createElement("mark");
    mark.className = "sev-" + f.severity;
    mark.dataset.rule = f.rule;
    mark.title = f.message;
    mark.textContent = chars.slice(f.start, f.end).join("");
    box.appendChild(mark);
    at = f.end;
  }
  box.appendChild(document.createTextNode(chars.slice(at).join("")));
}

function apply(f) {
  const input = inputs[f.field];
  const chars = Array.from(input.value);
  if (chars.slice(f.start, f.end).join("") !== f.text) return; // edited since
  input.value = chars.slice(0, f.start).join("") + f.suggestion + chars.slice(f.end).join("");
  clearTimeout(timer);
  check();
}

function render(findings, l) {
  preview("title", l.title || "", findings);
  preview("description", l.description || "", findings);
  const list = $("findings");
  list.textContent = "";
  $("count").textContent = findings.length ? "（" + findings.length + "）" : "";
  for (const f of findings) {
    const li = document.createElement("li");
    li.className = "sev-" + f.severity;
    const head = document.createElement("div");
    head.textContent = "【" + (SEVERITY[f.severity] || f.severity) + "】" + f.message;
    li.appendChild(head);
    const where = document.createElement("div");
    where.className = "where";
    const field = FIELD_NAMES[f.field] || f.field || "";
    where.textContent = (field ? field + " " : "") + (f.text ? "「" + f.text + "」" : "");
    li.appendChild(where);
    const rule = document.createElement("div");
    rule.className = "rule";
    rule.textContent = f.rule;
    li.appendChild(rule);
    if (f.help) {
      const help = document.createElement("div");
      help.className = "where";
      help.textContent = f.help;
      li.appendChild(help);
    }
    if (f.suggestion != null && inputs[f.field] && f.start != null) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = f.suggestion === "" ? "采用建议：删除" : "采用建议：" + f.suggestion;
      button.addEventListener("click", () => apply(f));
      li.appendChild(button);
    }
    list.appendChild(li);
  }
}

function updateShare(l) {
  const q = new URLSearchParams();
  for (const f of FIELDS) if (l[f]) q.set(f, l[f]);
  const s = q.toString();
  $("share").textContent = s ? "分享链接：" + location.origin + "/?" + s : "";
}

async function upload() {
  const file = $("file").files[0];
  const status = $("upload-status");
  if (!file) {
    status.textContent = "请先选择文件";
    return;
  }
  const output = $("output").value;
  const fix = output === "fix";
  const q = new URLSearchParams({ name: file.name });
  if (fix) q.set("fix", "true");
  else q.set("output", output);
  status.textContent = "检查中…";
  let response;
  try {
    response = await fetch("/v1/check/file?" + q.toString(), {
      method: "POST",
      headers: headers({ "Content-Type": "application/octet-stream" }),
      body: file,
    });
  } catch (e) {
    status.textContent = "无法连接服务器";
    return;
  }
  if (!response.ok) {
    let message = String(response.status);
    try {
      message = (await response.json()).error.message;
    } catch (e) { /* not JSON */ }
    status.textContent = "出错：" + message;
    return;
  }
  const blob = await response.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = fix
    ? file.name.replace(/(\.[^.]*)?$/, "-已修正$1")
    : file.name.replace(/\.[^.]*$/, "") + "-listlint." + output;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (fix) {
    const applied = response.headers.get("X-Listlint-Fixes-Applied") || "0";
    const skipped = Number(response.headers.get("X-Listlint-Fixes-Skipped") || "0");
    status.textContent = "已下载修正后的文件：修正 " + applied + " 处" +
      (skipped > 0 ? "，" + skipped + " 处未修正（见检查报告）" : "");
  } else {
    status.textContent = "已下载报告";
  }
}

for (const f of FIELDS) inputs[f].addEventListener("input", schedule);
$("token").addEventListener("change", () => {
  sessionStorage.setItem("listlint-token", $("token").value);
  check();
});
$("upload").addEventListener("click", upload);

// ?title=…&description=…: a shareable link, prefilled and checked at once.
const given = new URLSearchParams(location.search);
let prefilled = false;
for (const f of FIELDS) {
  if (given.has(f)) {
    inputs[f].value = given.get(f);
    prefilled = true;
  }
}
if (prefilled) check();
