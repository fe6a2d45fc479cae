// The timeline chart, enhanced. Without JavaScript the chart is a picture of links: every
// mark opens its event, every period narrows the view, every zoom is a link. With it:
// - the chart is one tab stop; arrow keys move between marks (left and right along a lane,
//   up and down to the nearest mark of the lane above or below), Home and End go to the
//   ends of a lane, Enter opens the mark;
// - the focused or hovered mark's title and date are shown under the chart;
// - dragging the chart sideways moves it in time, the mouse wheel (or a pinch) zooms around
//   the pointer: the picture follows at once, and the view of the new dates is then loaded
//   (the same view's address with new "from" and "to", so it can be shared).
(function () {
  "use strict";
  var figure = document.getElementById("chart");
  if (!figure) return;
  var svg = figure.querySelector(".chart-svg");
  var frame = figure.querySelector(".chart-frame");
  var readout = figure.querySelector(".chart-readout");
  var marks = Array.prototype.slice.call(svg.querySelectorAll("a.mark, a.cell"));
  var DAY = 86400000;

  // Keyboard -----------------------------------------------------------------------------
  function centre(mark) {
    var box = mark.getBoundingClientRect();
    return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
  }
  function lanes() {
    var byLane = [];
    marks.forEach(function (mark) {
      var lane = Number(mark.getAttribute("data-lane")) || 0;
      (byLane[lane] = byLane[lane] || []).push(mark);
    });
    byLane = byLane.filter(Boolean);
    byLane.forEach(function (lane) {
      lane.sort(function (a, b) { return centre(a).x - centre(b).x; });
    });
    return byLane;
  }
  function focusMark(mark) {
    marks.forEach(function (other) { other.setAttribute("tabindex", other === mark ? "0" : "-1"); });
    mark.focus();
  }
  if (marks.length) {
    marks.forEach(function (mark, i) { mark.setAttribute("tabindex", i === 0 ? "0" : "-1"); });
    svg.addEventListener("keydown", function (event) {
      var current = event.target.closest("a.mark, a.cell");
      if (!current) return;
      if (event.key === "Enter") {
        event.preventDefault();
        window.location.assign(current.getAttribute("href"));
        return;
      }
      var byLane = lanes();
      var laneIndex = -1, place = -1;
      byLane.forEach(function (lane, i) {
        var at = lane.indexOf(current);
        if (at >= 0) { laneIndex = i; place = at; }
      });
      if (laneIndex < 0) return;
      var lane = byLane[laneIndex], next = null;
      if (event.key === "ArrowRight") {
        next = lane[place + 1] || (byLane[laneIndex + 1] || [])[0];
      } else if (event.key === "ArrowLeft") {
        var before = byLane[laneIndex - 1];
        next = lane[place - 1] || (before ? before[before.length - 1] : null);
      } else if (event.key === "Home") {
        next = lane[0];
      } else if (event.key === "End") {
        next = lane[lane.length - 1];
      } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
        var other = byLane[laneIndex + (event.key === "ArrowUp" ? -1 : 1)];
        if (other) {
          var x = centre(current).x;
          next = other.reduce(function (best, mark) {
            return Math.abs(centre(mark).x - x) < Math.abs(centre(best).x - x) ? mark : best;
          }, other[0]);
        }
      } else {
        return;
      }
      event.preventDefault();
      if (next) focusMark(next);
    });
  }

  // What the focused or hovered mark is ------------------------------------------------------
  function show(event) {
    var mark = event.target.closest && event.target.closest("a.mark, a.cell");
    var title = mark && mark.querySelector("title");
    if (title && readout) readout.textContent = title.textContent;
  }
  svg.addEventListener("focusin", show);
  svg.addEventListener("mouseover", show);

  // Moving and zooming -------------------------------------------------------------------
  var start = Date.parse(figure.getAttribute("data-start"));
  var end = Date.parse(figure.getAttribute("data-end")) + DAY;  // exclusive
  if (isNaN(start) || isNaN(end) || !window.URLSearchParams) return;
  var moving = svg.querySelectorAll(":scope > g");
  var shift = 0, scale = 1, origin = 0, timer = null;

  function preview() {
    var transform = "translate(" + shift + "px, 0) translate(" + origin + "px, 0) scale(" +
      scale + ", 1) translate(" + (-origin) + "px, 0)";
    moving.forEach(function (group) { group.style.transform = transform; });
  }
  function iso(time) { return new Date(time).toISOString().slice(0, 10); }
  function go() {
    var width = svg.getBoundingClientRect().width || 1;
    var span = end - start;
    // The range now shown: undo the scale around ``origin``, then the shift.
    var left = (0 - shift - origin) / scale + origin;
    var right = (width - shift - origin) / scale + origin;
    var from = start + span * left / width;
    var to = start + span * right / width - DAY;
    from = Math.max(from, Date.UTC(1000, 0, 1));
    to = Math.min(Math.max(to, from), Date.UTC(9999, 11, 31));
    var params = new URLSearchParams(window.location.search);
    params.set("from", iso(Math.round(from / DAY) * DAY));
    params.set("to", iso(Math.round(to / DAY) * DAY));
    params.delete("page");
    figure.classList.add("loading");
    window.location.assign("?" + params.toString() + "#chart");
  }

  var dragging = null;
  frame.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    dragging = { x: event.clientX, moved: false, id: event.pointerId };
  });
  frame.addEventListener("pointermove", function (event) {
    if (!dragging) return;
    var dx = event.clientX - dragging.x;
    if (!dragging.moved && Math.abs(dx) < 6) return;
    if (!dragging.moved) {
      dragging.moved = true;
      frame.setPointerCapture(dragging.id);
    }
    shift = dx;
    preview();
  });
  function release() {
    if (dragging && dragging.moved) {
      // A drag is not a click on the mark it began on.
      frame.addEventListener("click", function (event) { event.preventDefault(); }, { capture: true, once: true });
      go();
    }
    dragging = null;
  }
  frame.addEventListener("pointerup", release);
  frame.addEventListener("pointercancel", function () { dragging = null; shift = 0; preview(); });

  frame.addEventListener("wheel", function (event) {
    if (!event.ctrlKey && !event.altKey && Math.abs(event.deltaX) <= Math.abs(event.deltaY) && !event.shiftKey) {
      // A plain vertical wheel scrolls the page; zoom with Ctrl (or a pinch) or Alt.
      return;
    }
    event.preventDefault();
    var box = svg.getBoundingClientRect();
    if (Math.abs(event.deltaX) > Math.abs(event.deltaY) && !event.ctrlKey) {
      shift -= event.deltaX;
    } else {
      origin = event.clientX - box.left;
      scale = Math.min(64, Math.max(1 / 64, scale * Math.exp(-event.deltaY / 300)));
    }
    preview();
    clearTimeout(timer);
    timer = setTimeout(go, 450);
  }, { passive: false });
})();
