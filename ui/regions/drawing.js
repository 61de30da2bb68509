// The Region boxes canvas (gr.HTML js_on_load): boxes drawn on the input in the browser.
//
// Given by the server (handlers.canvas_value): the picture, its upright size, every input's
// boxes and the bbox_list text they came from. A drag (mouse, pen or touch) or two clicks make a
// box, drawn while the pointer moves; a box's × removes it. Each change writes the new bbox_list
// text into props.value and triggers 'input', which copies that text into the editor's bbox_list
// in the browser (wiring.py): no step of the drawing waits for the server. Points are taken in
// the picture's own pixels: the displayed picture is scaled, so every point is converted.
// From the keyboard: the arrow keys move a cross over the focused picture (with Shift, ten times
// as far) and Enter or Space sets a corner there, as a click does.
const CLICK_SLOP = 4; // screen pixels a press may move and still be a click (one corner)
const KEY_STEP = 0.01; // an arrow key's step, as a share of the picture's side
const KEY_MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const stage = document.createElement("div");
stage.className = "region-stage";
const picture = document.createElement("img");
picture.alt = "";
picture.draggable = false;
const layer = document.createElement("div");
layer.className = "region-layer";
layer.tabIndex = 0;
stage.append(picture, layer);
const hint = document.createElement("p");
hint.className = "region-hint";
hint.setAttribute("aria-live", "polite");
element.append(stage, hint);

let corner = null; // first corner [x, y] of a two-click box, in the picture's pixels
let press = null; // {start: [x, y], screen: [x, y], moved, id} while a pointer is down
let said = ""; // the hint's sentence
let sent = []; // bbox_list texts written here that the server has not echoed back yet
let latest = null; // the value as last written here
let cursor = null; // the keyboard's cross [x, y] while the picture has the focus

const fill = (words, values) => words.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
const value = () => props.value || {};
const shownBoxes = () => (value().boxes || [])[value().index] || [];

function toPicture(event) {
  const frame = picture.getBoundingClientRect();
  const [width, height] = value().size;
  const x = Math.round(((event.clientX - frame.left) * width) / frame.width);
  const y = Math.round(((event.clientY - frame.top) * height) / frame.height);
  return [Math.min(Math.max(x, 0), width), Math.min(Math.max(y, 0), height)];
}

function fromCorners(first, second) {
  const [x1, x2] = [first[0], second[0]].sort((a, b) => a - b);
  const [y1, y2] = [first[1], second[1]].sort((a, b) => a - b);
  const least = value().min;
  return x2 - x1 < least || y2 - y1 < least ? null : [x1, y1, x2, y2];
}

function place(node, box) {
  const [width, height] = value().size;
  node.style.left = `${(box[0] / width) * 100}%`;
  node.style.top = `${(box[1] / height) * 100}%`;
  node.style.width = `${((box[2] - box[0]) / width) * 100}%`;
  node.style.height = `${((box[3] - box[1]) / height) * 100}%`;
}

function boxNode(box, number) {
  const node = document.createElement("div");
  node.className = "region-box";
  place(node, box);
  const tag = document.createElement("span");
  tag.className = "region-tag";
  tag.textContent = String(number);
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "region-remove";
  remove.textContent = "×";
  remove.setAttribute("aria-label", fill(value().words.remove, { number }));
  const drop = () => write(shownBoxes().filter((_, at) => at !== number - 1));
  let pressed = null; // a finger or pointer let go on the × removes it: a tap's click may never come
  remove.addEventListener("pointerdown", (event) => {
    event.stopPropagation();
    pressed = event.pointerId;
  });
  remove.addEventListener("pointerup", (event) => {
    if (pressed !== event.pointerId) return;
    pressed = null;
    event.preventDefault();
    drop();
  });
  remove.addEventListener("click", (event) => event.detail === 0 && drop()); // Enter or Space
  node.append(tag, remove);
  return node;
}

function marker(name, point) {
  const [width, height] = value().size;
  const node = document.createElement("div");
  node.className = name;
  node.style.left = `${(point[0] / width) * 100}%`;
  node.style.top = `${(point[1] / height) * 100}%`;
  return node;
}

function render() {
  const shown = value();
  const url = shown.picture ? shown.picture.url : "";
  stage.hidden = !url;
  if (url && picture.getAttribute("src") !== url) picture.src = url;
  layer.replaceChildren(...shownBoxes().map((box, at) => boxNode(box, at + 1)));
  if (corner) layer.append(marker("region-corner", corner));
  if (cursor) layer.append(marker("region-cursor", cursor));
  layer.setAttribute("aria-label", shown.words ? shown.words.keys : "");
  hint.textContent = said;
  stage.classList.toggle("region-full", shownBoxes().length >= shown.max);
}

function write(boxes) {
  const shown = value();
  const every = shown.boxes.map((entry, at) => (at === shown.index ? boxes : entry));
  const text = every.some((entry) => entry.length) ? JSON.stringify(every, null, 2) : "";
  sent.push(text);
  said = "";
  latest = { ...shown, boxes: every, text };
  props.value = latest;
  render();
  trigger("input");
}

function say(key, values) {
  said = fill(value().words[key], values || {});
  render();
}

function finish(point, moved) {
  if (moved) {
    const box = fromCorners(press.start, point);
    return box ? write([...shownBoxes(), box]) : say("small");
  }
  if (!corner) {
    corner = point;
    return say("corner", { x: point[0], y: point[1] });
  }
  const box = fromCorners(corner, point);
  if (!box) return say("close", { x: corner[0], y: corner[1] });
  corner = null;
  write([...shownBoxes(), box]);
}

layer.addEventListener("pointerdown", (event) => {
  const shown = value();
  if (event.button !== 0 || !shown.picture || !shown.boxes) return;
  if (shownBoxes().length >= shown.max) return say("full", { max: shown.max });
  event.preventDefault();
  layer.setPointerCapture(event.pointerId);
  const screen = [event.clientX, event.clientY];
  press = { start: toPicture(event), screen, moved: false, id: event.pointerId };
  const draft = document.createElement("div");
  draft.className = "region-box region-draft";
  draft.hidden = true;
  layer.append(draft);
  press.draft = draft;
});

layer.addEventListener("pointermove", (event) => {
  if (!press || event.pointerId !== press.id) return;
  const far = Math.hypot(event.clientX - press.screen[0], event.clientY - press.screen[1]);
  press.moved ||= far > CLICK_SLOP;
  if (!press.moved) return;
  const point = toPicture(event);
  const start = press.start;
  const [left, right] = [start[0], point[0]].sort((a, b) => a - b);
  const [top, bottom] = [start[1], point[1]].sort((a, b) => a - b);
  place(press.draft, [left, top, right, bottom]);
  press.draft.hidden = false;
});

function release(event, cancelled) {
  if (!press || event.pointerId !== press.id) return;
  const ended = press;
  ended.draft.remove();
  if (cancelled) {
    press = null;
    return;
  }
  const point = toPicture(event);
  if (ended.moved) corner = null; // a drag makes its own box: a pending first corner goes
  finish(point, ended.moved);
  press = null;
}

layer.addEventListener("pointerup", (event) => release(event, false));
layer.addEventListener("pointercancel", (event) => release(event, true));
element.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && corner) {
    corner = null;
    said = "";
    render();
  }
});
function middle() {
  const [width, height] = value().size || [0, 0];
  return [Math.round(width / 2), Math.round(height / 2)];
}

layer.addEventListener("focus", () => {
  if (press || !value().picture) return; // focused by a press: the pointer draws, not keys
  cursor = cursor || middle();
  render();
});
layer.addEventListener("blur", () => {
  cursor = null;
  render();
});
layer.addEventListener("keydown", (event) => {
  const shown = value();
  if (!shown.picture || !shown.boxes) return;
  cursor = cursor || middle();
  const move = KEY_MOVES[event.key];
  if (move) {
    const [width, height] = shown.size;
    const step = event.shiftKey ? KEY_STEP * 10 : KEY_STEP;
    const x = cursor[0] + Math.round(move[0] * step * width);
    const y = cursor[1] + Math.round(move[1] * step * height);
    cursor = [Math.min(Math.max(x, 0), width), Math.min(Math.max(y, 0), height)];
  } else if (event.key === "Enter" || event.key === " ") {
    if (shownBoxes().length >= shown.max) return say("full", { max: shown.max });
    finish([...cursor], false);
  } else return;
  event.preventDefault();
  render();
});

watch("value", () => {
  const text = value().text;
  const waiting = sent.indexOf(text);
  if (waiting >= 0 && waiting < sent.length - 1) {
    props.value = latest; // an older echo of this page's own boxes: the newer ones stay
    return;
  }
  sent = [];
  corner = null;
  said = "";
  render();
});
render();
