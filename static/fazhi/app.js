// fazhi front-end glue. No inline scripts anywhere (strict CSP): behaviour is
// attached from data- attributes here.
(function () {
  "use strict";

  // <form data-confirm="确定删除？"> asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // <button data-print> prints the page (print.css leaves out navigation and buttons).
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) {
      event.preventDefault();
      window.print();
    }
  });

  // <select data-autosubmit> submits its form on change (filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // <div class="chart" data-chart-src="/…/data.json"> renders an ECharts option
  // fetched from the server (the same data that the xlsx export contains).
  function renderCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart-src]").forEach(function (el) {
      if (el.dataset.rendered) { return; }
      el.dataset.rendered = "1";
      fetch(el.dataset.chartSrc, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (option) {
          var chart = window.echarts.init(el);
          chart.setOption(option);
          // drill-down: a bar or slice whose data item carries a same-site `url` opens the list behind it
          chart.on("click", function (p) {
            var url = p && p.data && p.data.url;
            if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") { window.location.href = url; }
          });
          el.dataset.drawn = "1";
          window.addEventListener("resize", function () { chart.resize(); });
        });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });

  // htmx errors: show the server's Chinese message instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("messages");
    if (!box) { return; }
    var div = document.createElement("div");
    div.className = "alert alert-danger";
    div.setAttribute("role", "alert");
    var xhr = event.detail.xhr;
    var status = xhr.status;
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    // A short plain-text answer is the server's own Chinese explanation (e.g. 409).
    if (text && text.length < 300 && type.indexOf("text/html") === -1 && type.indexOf("json") === -1) {
      div.textContent = text;
    } else {
      div.textContent = status === 403 ? "没有权限执行该操作。" : status === 404 ? "对象不存在或无权访问。" :
        status === 409 ? "操作与当前状态冲突，请刷新页面后重试。" : "操作未成功（" + status + "），请稍后重试。";
    }
    box.appendChild(div);
  });
})();

// ---- attachments & jobs (helper: attachments/jobs owner) ----
// <form data-reset-on-success> (htmx) is cleared after a successful request,
// e.g. the attachment upload form once the new rows are in the list.
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail && event.detail.elt;
    if (el && el.tagName === "FORM" && el.hasAttribute("data-reset-on-success") && event.detail.successful) {
      el.reset();
    }
  });
})();
// ---- end attachments & jobs ----
// ---- performance (绩效自评): a submit button with data-confirm asks first -----
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
// ---- end performance ---------------------------------------------------------
