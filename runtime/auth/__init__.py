"""Authentication of Streamable HTTP requests (the MCP authorization spec, resource-server side).

Two ways in, together or alone: static bearer tokens (runtime.auth.tokens) and OAuth 2.1 JWT
access tokens verified against the issuer's JWKS (runtime.auth.jwt_tokens). The SDK's pieces do
the HTTP side: `BearerAuthBackend` reads `Authorization: Bearer`, `RequireAuthMiddleware`
answers 401 (`invalid_token`, with `resource_metadata=`) or 403 (`insufficient_scope`) with a
`WWW-Authenticate` challenge, and `create_protected_resource_routes` serves the Protected Resource
Metadata (RFC 9728) when a JWT issuer is configured.

The principal reaches the call path through the request the transport attaches to every message
(`ctx.request.scope["user"]`), which holds in stateful sessions too (the handler runs in the
session's task, not the request's, so context variables set by middleware do not reach it).
"""
