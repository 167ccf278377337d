// Demo national eID: a standards-compliant OpenID Connect provider (the `oidc-provider` package) with made-up
// citizens, so that `make run` and the test suite can sign in "with eID" on a machine with no internet.
// It is NOT an identity provider: anyone can pick any demo citizen. Every page it shows says so.
//
// Configured from the environment:
//   DEMO_EID_PORT      port on 127.0.0.1 (default 8001)
//   DEMO_EID_ISSUER    issuer URL (default http://127.0.0.1:<port>)
//   DEMO_EID_KEYS      path of a JWKS file with private keys; the first key signs. Created (one P-256 key) if missing.
//   DEMO_EID_CLIENTS   JSON list of clients: [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}]
//   DEMO_EID_CITIZENS  path of the demo citizens file (default: citizens.json beside this file)
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import Provider from "oidc-provider";

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.DEMO_EID_PORT || 8001);
const issuer = process.env.DEMO_EID_ISSUER || `http://127.0.0.1:${port}`;
const keysPath = process.env.DEMO_EID_KEYS || join(here, "..", "..", "var", "demo-eid", "jwks.json");
const citizens = JSON.parse(readFileSync(process.env.DEMO_EID_CITIZENS || join(here, "citizens.json"), "utf8"));
const clients = JSON.parse(process.env.DEMO_EID_CLIENTS || "[]");

// eIDAS levels of assurance, and how a person "authenticated" at each (the demo lets them choose).
const LEVELS = [
  { acr: "http://eidas.europa.eu/LoA/high", amr: ["qes"], uk: "Кваліфікований електронний підпис", en: "Qualified electronic signature" },
  { acr: "http://eidas.europa.eu/LoA/substantial", amr: ["bankid"], uk: "BankID", en: "BankID" },
  { acr: "http://eidas.europa.eu/LoA/low", amr: ["pwd"], uk: "Логін і пароль", en: "Login and password" },
];

function signingKeys() {
  if (!existsSync(keysPath)) {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig", alg: "ES256" };
    mkdirSync(dirname(keysPath), { recursive: true });
    writeFileSync(keysPath, JSON.stringify({ keys: [jwk] }), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(keysPath, "utf8"));
}

const byId = new Map(citizens.map((citizen) => [citizen.sub, citizen]));

const provider = new Provider(issuer, {
  clients,
  jwks: signingKeys(),
  pkce: { required: () => true },
  acrValues: LEVELS.map((level) => level.acr),
  scopes: ["openid", "profile", "email", "phone", "rnokpp"],
  claims: {
    acr: null, // standalone: always in the ID token, so the portal knows how the person authenticated
    auth_time: null,
    sid: null,
    openid: ["sub"],
    profile: ["name", "given_name", "family_name", "middle_name", "birthdate"],
    email: ["email", "email_verified"],
    phone: ["phone_number", "phone_number_verified"],
    rnokpp: ["rnokpp"],
  },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [process.env.DEMO_EID_COOKIE_KEY || randomUUID()] },
  ttl: { Session: 600, Interaction: 600, Grant: 600 },
  async findAccount(ctx, sub) {
    const citizen = byId.get(sub);
    if (!citizen) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { sub: _sub, ...claims } = citizen;
        return {
          sub,
          ...claims,
          name: [citizen.given_name, citizen.family_name].join(" "),
          email_verified: Boolean(citizen.email),
          phone_number_verified: Boolean(citizen.phone_number),
        };
      },
    };
  },
});

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(title, body) {
  return `<!doctype html><html lang="uk"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escape(title)}</title><style>
body{font:18px/1.4 sans-serif;margin:0;color:#0b0c0c}header{background:#6b2d00;color:#fff;padding:12px 24px}
main{max-width:40em;padding:12px 24px}.demo{border:4px solid #d4351c;padding:12px;font-weight:bold}
fieldset{border:0;padding:0;margin:0 0 24px}legend{font-weight:bold;font-size:22px;margin-bottom:8px}
label{display:block;padding:6px 0}button{font-size:18px;padding:8px 16px;background:#00703c;color:#fff;border:0}
</style></head><body><header>Demo eID · Демо eID</header><main>
<p class="demo" role="note">Демонстраційний постачальник ідентифікації: не справжній eID, будь-хто може обрати будь-кого.
<br>Demonstration identity provider: not a real eID; anyone can pick anyone.</p>${body}</main></body></html>`;
}

function loginPage(uid, error) {
  const people = citizens
    .map(
      (c, i) => `<label><input type="radio" name="sub" value="${escape(c.sub)}"${i === 0 ? " checked" : ""}>
${escape(c.family_name)} ${escape(c.given_name)} ${escape(c.middle_name || "")} · ${escape(c.birthdate)} · РНОКПП ${escape(c.rnokpp)}</label>`,
    )
    .join("");
  const levels = LEVELS.map(
    (l, i) => `<label><input type="radio" name="acr" value="${escape(l.acr)}"${i === 0 ? " checked" : ""}>
${escape(l.uk)} · ${escape(l.en)}</label>`,
  ).join("");
  return page(
    "Увійти · Sign in",
    `<h1>Увійти · Sign in</h1>${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
<fieldset><legend>Хто ви? · Who are you?</legend>${people}</fieldset>
<fieldset><legend>Як ви підтверджуєте особу? · How do you prove who you are?</legend>${levels}</fieldset>
<button type="submit" id="sign-in">Увійти · Sign in</button></form>`,
  );
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error("interaction mismatch");
  const { prompt, params, session } = details;
  if (prompt.name === "login") {
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end(loginPage(uid));
    }
    if (req.method === "POST" && action === "login") {
      const form = await readForm(req);
      const level = LEVELS.find((l) => l.acr === form.get("acr"));
      if (!byId.has(form.get("sub")) || !level) {
        res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
        return res.end(loginPage(uid, "Оберіть особу і спосіб · Choose a person and a method"));
      }
      const login = { accountId: form.get("sub"), acr: level.acr, amr: level.amr };
      return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    }
  }
  if (prompt.name === "consent") {
    // A national eID releases what the relying party was registered for: consent is given by law, not per visit.
    const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
  return res.end("unexpected interaction");
}

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
  if (!match) return handle(req, res);
  try {
    return await interaction(req, res, match[1], match[2]);
  } catch (error) {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
    return res.end(`Demo eID: ${error.message}`);
  }
});
server.listen(port, "127.0.0.1", () => console.log(`Demo eID (not a real identity provider) at ${issuer}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
