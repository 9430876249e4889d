/** The app's own stylesheet, served at /static/app.css (the pages run no scripts and use no inline styles). */
export const APP_STYLESHEET = `*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1b;background:#f6f6f4;line-height:1.5}
.bar{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;background:#fff;border-bottom:1px solid #ddd;padding:.6rem 1.2rem}
.bar nav{display:flex;align-items:center;gap:.8rem}
.bar .lang{font-size:.9rem}
.bar form{margin:0}
.bar .mojeid-logout button{color:#1d1d1b;padding:.35rem .8rem}
.brand{font-weight:700;color:#1d1d1b;text-decoration:none}
.brand small{font-weight:400;color:#666}
.who{color:#555}
main{max-width:46rem;margin:2rem auto;padding:0 1rem}
h1 small{font-size:.6em;font-weight:400;color:#555}
a{color:#0b5cad}
.lead{font-size:1.1rem}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem 1.2rem;margin:1rem 0}
.card h2{margin-top:0;font-size:1.15rem}
.choices{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
.stack{display:flex;flex-direction:column;gap:.6rem;max-width:22rem}
label{display:flex;flex-direction:column;font-size:.95rem}
.choices-table label{display:inline}
.choices-table th{width:auto}
.choices-table th:last-child,.choices-table td:last-child{text-align:center;white-space:nowrap}
input[type=email],input[type=password]{padding:.45rem;border:1px solid #bbb;border-radius:4px;font-size:1rem}
button{font:inherit;background:#0b5cad;color:#fff;border:0;border-radius:4px;padding:.55rem 1rem;cursor:pointer}
button.secondary{background:#eee;color:#1d1d1b;border:1px solid #bbb}
button.link{background:none;color:#0b5cad;padding:0;text-decoration:underline}
.button{display:inline-block;background:#0b5cad;color:#fff;border-radius:4px;padding:.55rem 1rem;text-decoration:none}
.data{border-collapse:collapse;width:100%;font-size:.95rem}
.data th,.data td{border-bottom:1px solid #e5e5e5;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
.data th{width:40%;font-weight:600}
.data tr.meta th{color:#555}
.notice{border-left:4px solid #2e7d32;background:#eef7ee;padding:.6rem 1rem}
.notice.warn{border-color:#f26f21;background:#fff4ef}
.hint{color:#555;font-size:.9rem}
.powered-by{margin-top:3rem;font-size:.9rem}
.powered-by a{color:#1d1d1b;text-decoration:none}
.powered-by .mojeid-mark{background:#f26f21;color:#fff}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;
