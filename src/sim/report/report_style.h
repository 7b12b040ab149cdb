// The page's stylesheet, inlined into report.html. The charts carry only class names, so
// colours and weights live here, in one place, rather than on every SVG element.
#ifndef LIMIAR_SIM_REPORT_REPORT_STYLE_H_
#define LIMIAR_SIM_REPORT_REPORT_STYLE_H_

#include "absl/strings/string_view.h"

namespace limiar::sim {

// Series colours: demand blue, capacity green, replicas orange (asked for) and slate
// (ready), latency violet, the SLO and its violations red, injected events magenta.
inline constexpr absl::string_view kReportCss = R"css(
:root{
  --fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f6f8fb;--card:#fff;--ok:#15803d;--bad:#b91c1c}
*{box-sizing:border-box}
body{
  margin:0;background:var(--bg);color:var(--fg);
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans",
    "Liberation Sans",Arial,sans-serif;
  font-variant-numeric:tabular-nums}
main{max-width:1480px;margin:0 auto;padding:28px 32px 40px}
.eyebrow{
  font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);font-weight:600}
h1{font-size:26px;line-height:1.2;margin:4px 0 6px}
h2{font-size:17px;margin:30px 0 12px}
h2 code{font:inherit;background:#e2e8f0;border-radius:5px;padding:1px 7px}
.lede{margin:0 0 16px;color:#334155}
.meta{
  display:flex;flex-wrap:wrap;gap:10px 32px;margin:0;padding:14px 18px;background:var(--card);
  border:1px solid var(--line);border-radius:10px}
.meta dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.meta dd{margin:2px 0 0;font-weight:600}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
table.summary{border-collapse:collapse;width:100%;font-size:13px}
.summary th,.summary td{
  padding:8px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;
  white-space:nowrap}
.summary thead th{
  background:#f1f5f9;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:#475569;
  font-weight:600;white-space:normal;vertical-align:bottom}
.summary tbody:last-child tr:last-child>*{border-bottom:0}
.summary .num{text-align:right}
.summary th[scope=rowgroup]{font-weight:600}
.summary tr.best>td,.summary tr.best>th.policy{background:#f0fdf4}
.pname{font-weight:600}
.pdesc{
  display:block;color:var(--muted);font-weight:400;font-size:12px;white-space:normal;
  min-width:160px;max-width:260px}
.pill,.badge{
  display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;
  white-space:nowrap}
.pill.ok{background:#dcfce7;color:var(--ok)}
.pill.bad{background:#fee2e2;color:var(--bad)}
.badge.best{background:#15803d;color:#fff;font-size:11px}
.warn{color:#b45309}
.legend{
  list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;margin:0 0 12px;padding:0;
  font-size:12px;color:#334155}
.legend li{display:flex;align-items:center;gap:6px}
.sw{display:inline-block;width:18px;height:10px}
.sw.demand{background:rgba(37,99,235,.16);border-top:2px solid #2563eb}
.sw.capacity{height:0;border-top:2px solid #16a34a}
.sw.spec{height:0;border-top:2px solid #ea580c}
.sw.ready{height:0;border-top:2px solid #475569}
.sw.starting{background:rgba(234,88,12,.18)}
.sw.desired{height:0;border-top:2px dashed #a16207}
.sw.guide{height:0;border-top:2px dotted #94a3b8}
.sw.latency{height:0;border-top:2px solid #7c3aed}
.sw.slo{height:0;border-top:2px dashed #dc2626}
.sw.viol{background:rgba(239,68,68,.2)}
.sw.event{width:0;height:12px;border-left:2px dashed #be185d}
.tri{font-size:11px;line-height:1}
.tri.up{color:#ea580c}
.tri.down{color:#0d9488}
.panels{display:grid;gap:16px;grid-template-columns:minmax(0,1fr)}
.panels.cols-2{grid-template-columns:repeat(2,minmax(0,1fr))}
@media (max-width:1100px){.panels.cols-2{grid-template-columns:minmax(0,1fr)}}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px 8px}
.panel.best{border-color:#86efac;box-shadow:inset 0 0 0 1px #86efac}
.panel h3{font-size:16px;margin:0;display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.panel .pdesc{margin:2px 0 0;max-width:none}
.kpis{
  display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 0 6px;padding:0;list-style:none;
  font-size:12.5px;color:#334155}
.kpis b{font-weight:600;color:var(--fg)}
.note{margin:4px 0 4px;font-size:12px;color:var(--muted)}
svg.chart{display:block;width:100%;height:auto;font-size:11px;overflow:visible}
svg .frame{fill:#fff;stroke:#cbd5e1}
svg .grid{stroke:#edf1f6}
svg .yl{text-anchor:end;fill:#64748b}
svg .xl{text-anchor:middle;fill:#64748b}
svg .xt{text-anchor:middle;fill:#94a3b8;font-size:10.5px}
svg .ct{fill:#1e293b;font-weight:600;font-size:11.5px}
svg .s-demand-area{fill:rgba(37,99,235,.13)}
svg .s-demand{fill:none;stroke:#2563eb;stroke-width:1.2;stroke-linejoin:round}
svg .s-capacity{fill:none;stroke:#16a34a;stroke-width:1.8}
svg .s-starting{fill:rgba(234,88,12,.15)}
svg .s-spec{fill:none;stroke:#ea580c;stroke-width:1.6}
svg .s-ready{fill:none;stroke:#475569;stroke-width:1.6}
svg .s-desired{fill:none;stroke:#a16207;stroke-width:1.2;stroke-dasharray:4 3}
svg .guide{stroke:#94a3b8;stroke-dasharray:2 3}
svg .gl,svg .ev-label{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .gl{text-anchor:end;fill:#64748b;font-size:10px}
svg .gl.slo{fill:#dc2626}
svg .slo-line{stroke:#dc2626;stroke-width:1.2;stroke-dasharray:5 4}
svg .s-latency{fill:none;stroke:#7c3aed;stroke-width:1.2;stroke-linejoin:round}
svg .viol{fill:rgba(239,68,68,.12)}
svg .ev-band{fill:rgba(190,24,93,.07)}
svg .ev-line{stroke:#be185d;stroke-width:1.2;stroke-dasharray:3 3}
svg .ev-label{fill:#be185d;font-size:10.5px;font-weight:600}
svg .ev-label.end{text-anchor:end}
svg .mk-up{fill:#ea580c;stroke:#fff;stroke-width:.8}
svg .mk-down{fill:#0d9488;stroke:#fff;stroke-width:.8}
svg .mk path:hover{stroke:#0f172a;stroke-width:1.5}
footer{margin-top:28px;font-size:12px;color:var(--muted)}
)css";

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_REPORT_STYLE_H_
