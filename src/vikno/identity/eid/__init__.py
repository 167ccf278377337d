"""Sign-in with a national eID through OpenID Connect (authorization code flow with PKCE, state and nonce)."""
