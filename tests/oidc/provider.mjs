// A real OpenID Connect provider (the certified `oidc-provider`) for Indgang's sign-in tests.
//
//   node tests/oidc/provider.mjs
//
// Reads from the environment: OIDC_PORT (it listens on 127.0.0.1 there; the issuer is
// http://127.0.0.1:OIDC_PORT), OIDC_REDIRECT_BASES (the Indgangs under test, separated by
// spaces, e.g. "http://localhost http://127.0.0.1:8123"), OIDC_CLIENT_SECRET, and OIDC_JWKS (its private signing keys as a JSON
// key set, so tests can also sign a token with the provider's own key, e.g. an expired one).
// One client, `indgang`, with PKCE required and RP-initiated logout. Its pages load nothing
// from another host (the browser tests refuse any such request). The sign-in page asks only for
// a username from TEST_USERS: it is the stand-in for the municipality's own sign-in.

import http from 'node:http';
import { randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const redirectBases = process.env.OIDC_REDIRECT_BASES.split(' ');
const issuer = `http://127.0.0.1:${port}`;

// The groups each test person is in, and how they signed in (amr): "mfa" means with a second factor.
const TEST_USERS = {
  anna: { groups: ['indgang-intake'], amr: ['pwd', 'mfa'] },
  pia: { groups: ['indgang-provider-hvidovre'], amr: ['pwd', 'mfa'] },
  ida: { groups: ['staff-all', 'indgang-admin', 'indgang-intake'], amr: ['pwd', 'mfa'] },
  otto: { groups: ['staff-all'], amr: ['pwd', 'mfa'] },
  nils: { groups: ['indgang-intake'], amr: ['pwd'] },
};

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body><h1>${title}</h1>${body}</body></html>`;
}

const configuration = {
  clients: [{
    client_id: 'indgang',
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: redirectBases.map((base) => `${base}/staff/login/oidc/callback`),
    post_logout_redirect_uris: redirectBases.map((base) => `${base}/staff/signed-out`),
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  jwks: JSON.parse(process.env.OIDC_JWKS),
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  // Like Entra ID's and AD FS's group claim: in the ID token itself.
  claims: { acr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'groups', 'preferred_username', 'amr'] },
  conformIdTokenClaims: false,
  async findAccount(_ctx, sub) {
    const user = TEST_USERS[sub];
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, groups: user.groups, preferred_username: `${sub}@kommune.example` };
      },
    };
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out of the test provider?', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You are signed out of the test provider.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<pre>${JSON.stringify(out).replace(/</g, '&lt;')}</pre>`);
  },
};

const provider = new Provider(issuer, configuration);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// The sign-in page: a username; signing in also grants the client what it asked for (no consent page).
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page('Test identity provider', `<form method="post" action="/interaction/${details.uid}">`
      + '<label for="username">Username</label><input id="username" name="username" autocomplete="off">'
      + '<button type="submit">Sign in</button></form>'));
    return;
  }
  const username = (await readForm(req)).get('username');
  const user = TEST_USERS[username];
  if (!user) {
    res.statusCode = 400;
    res.end(page('Unknown test user', ''));
    return;
  }
  const grant = new provider.Grant({ accountId: username, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: username, amr: user.amr }, consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  } else {
    handle(req, res);
  }
}).listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
