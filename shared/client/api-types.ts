// Generated from the OpenAPI document (shared/http/openapi.ts) by `npm run generate:api-types`: do not edit.
// `npm test` and `npm run typecheck` regenerate it, so callers must follow every change of a route's schema.

export interface paths {
    "/v1/authentication": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange an API key for a short-lived access token */
        post: operations["authenticate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OAuth 2.0 client credentials grant (RFC 6749 4.4), or a person's token exchange (RFC 8693) */
        post: operations["oauthToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys that verify Keyward tokens */
        get: operations["jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/openid-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Discovery document for standard JWT validators */
        get: operations["openIdConfiguration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/oauth-authorization-server": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OAuth 2.0 authorization server metadata (RFC 8414) */
        get: operations["oauthAuthorizationServer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API described as OpenAPI 3.1 */
        get: operations["openApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List or search keys of your tenant by creation time, newest first unless order=asc */
        get: operations["listKeys"];
        put?: never;
        /** Create a key; its secret is shown only in this answer */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{keyId}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Uses of one key by outcome, per hour or day */
        get: operations["keyUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Uses of every key of your tenant by outcome, per hour or day, and the 10 most used keys */
        get: operations["tenantUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/revoke-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke every active or disabled non-system key of your tenant, by type and/or owner (safe to repeat) */
        post: operations["revokeAllKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenant/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your tenant's policy for every key */
        get: operations["getTenantPolicy"];
        /** Replace your tenant's policy (audited as tenant.policy_update) */
        put: operations["putTenantPolicy"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check whether an API key or token of your tenant is valid now */
        post: operations["verifyKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/report-leak": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report a Keyward key you found where it should not be: a valid key is dealt with by its tenant's onLeak policy; the answer is the same whatever the key */
        post: operations["reportLeak"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/integrations/github/secret-scanning": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** GitHub's secret_scanning_alert webhook, signed in X-Hub-Signature-256: a leaked Keyward key is dealt with by its tenant's onLeak policy and the alert resolved as revoked */
        post: operations["githubSecretScanning"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one key */
        get: operations["getKey"];
        put?: never;
        post?: never;
        /** Delete a key for good */
        delete: operations["deleteKey"];
        options?: never;
        head?: never;
        /** Rename, describe, enable or disable a key, or change its scopes */
        patch: operations["updateKey"];
        trace?: never;
    };
    "/v1/keys/{keyId}/regenerate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue a new secret for the same key id, with an optional grace period for the old one */
        post: operations["regenerateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{keyId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a key, irreversibly */
        post: operations["revokeKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{keyId}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reveal the full key of a recoverable key (audited) */
        get: operations["revealKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/whoami": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Describe the credential of this call */
        get: operations["whoami"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/people": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everyone who has signed in to your tenant, newest seen first */
        get: operations["listPeople"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/people/{personId}/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every token the person holds now; they may sign in again while their groups allow */
        post: operations["signOutPerson"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sign-in/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The identity providers people sign in with, for the console and the CLI to start a sign-in */
        get: operations["signInProviders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit events of your tenant, newest first */
        get: operations["audit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            /** @enum {string} */
            code: "request.invalid" | "request.malformed_json" | "request.invalid_cursor" | "request.invalid_scope" | "request.ambiguous_credentials" | "request.too_large" | "request.unsupported_media_type" | "request.idempotency_in_progress" | "request.idempotency_mismatch" | "request.idempotency_stale" | "request.throttled" | "request.blocked" | "route.not_found" | "route.method_not_allowed" | "auth.missing_credentials" | "auth.invalid_token" | "auth.token_expired" | "auth.forbidden" | "auth.superseded_secret" | "authentication.invalid_api_key" | "authentication.key_disabled" | "authentication.key_revoked" | "authentication.key_expired" | "authentication.token_superseded" | "authentication.ip_not_allowed" | "authentication.rate_limited" | "authentication.usage_exceeded" | "policy.violation" | "policy.system_key_disabled" | "webhook.invalid_signature" | "key.not_found" | "person.not_found" | "key.protected" | "key.not_editable" | "key.conflict" | "key.not_recoverable" | "tenant.exists" | "service.not_initialised" | "service.unavailable" | "internal.error";
            message: string;
            requestId: string;
            details?: {
                path: string;
                message: string;
            }[];
        };
        KeyView: {
            /**
             * @description Key id: safe to log and display
             * @example Ab3dE5gH7jK9mN1p
             */
            id: string;
            name: string;
            description: string;
            /** @enum {string} */
            type: "system" | "privileged" | "viewer" | "client";
            scopes: string[];
            /** @enum {string} */
            status: "active" | "disabled" | "revoked" | "expired";
            /** @example kw_Ab3dE5gH7jK9mN1p…x9Qz */
            preview: string;
            recoverable: boolean;
            /**
             * Format: date-time
             * @description ISO 8601 time
             * @example 2026-11-23T10:00:00.000Z
             */
            createdAt: string;
            createdBy: string;
            /**
             * Format: date-time
             * @description ISO 8601 time
             * @example 2026-11-23T10:00:00.000Z
             */
            updatedAt: string;
            lastUsedAt: string | null;
            expiresAt: string | null;
            ownerId: string | null;
            /** @description When a report of this key leaking was handled; null: never */
            leakedAt: string | null;
            meta: {
                [key: string]: string | number | boolean | null;
            } | null;
            rateLimit: {
                limit: number;
                windowSeconds: number;
                remaining: number;
                /** @description Seconds until the window resets */
                reset: number;
            } | null;
            credits: {
                remaining: number;
                refill?: {
                    amount: number;
                    /** @enum {string} */
                    interval: "daily" | "monthly";
                };
            } | null;
            allowedIps: string[] | null;
        };
        OAuthError: {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "invalid_scope" | "invalid_target" | "unsupported_grant_type" | "server_error";
            error_description: string;
        };
        Person: {
            /** @description <provider id>:<the identity provider's sub> */
            id: string;
            issuer: string;
            email: string | null;
            name: string | null;
            /** @enum {string} */
            role: "admin" | "manager" | "creator" | "viewer";
            /**
             * Format: date-time
             * @description ISO 8601 time
             * @example 2026-11-23T10:00:00.000Z
             */
            firstSeenAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 time
             * @example 2026-11-23T10:00:00.000Z
             */
            lastSeenAt: string;
            /** @description Tokens issued before this are refused */
            signedOutAt: string | null;
        };
        TenantPolicy: {
            /** @description The longest lifetime a new key may have; null: no limit */
            maxLifetimeDays: number | null;
            /** @description Every new key must have an expiry */
            requireExpiry: boolean;
            /** @description The longest grace period a regenerate may give the old secret */
            maxGracePeriodSeconds: number;
            /** @description Every use of every key of the tenant must come from one of these, on top of each key's own; null: any */
            allowedIps: string[] | null;
            /**
             * @description enabled (default); break-glass: each use is audited as tenant.break_glass and its tokens last at most 900 s; disabled: refused everywhere, and only IAM (keyward policy set) turns it back on
             * @enum {string}
             */
            systemKey?: "enabled" | "break-glass" | "disabled";
            /** @description Lifetime of people's tokens (default 900) */
            personTokenSeconds?: number;
            /**
             * @description What a report of a valid key leaking does: revoke it (default, reason leaked), disable it, or notify only; each writes key.leaked
             * @enum {string}
             */
            onLeak?: "revoke" | "disable" | "notify";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    authenticate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The full API key */
                    apiKey?: string;
                    /** @description The Key ID part, sent with keySecret */
                    keyId?: string;
                    /** @description The Key Secret part (or the full key) */
                    keySecret?: string;
                    /** @description Token lifetime in seconds (default 900) */
                    expiresIn?: number;
                };
            };
        };
        responses: {
            /** @description A bearer token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        token: string;
                        /** @constant */
                        tokenType: "Bearer";
                        expiresIn: number;
                        /**
                         * Format: date-time
                         * @description ISO 8601 time
                         * @example 2026-11-23T10:00:00.000Z
                         */
                        expiresAt: string;
                        key: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            type: "system" | "privileged" | "viewer" | "client";
                            scopes: string[];
                            tenant: string;
                        };
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    oauthToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    /** @description client_credentials (an API key) or urn:ietf:params:oauth:grant-type:token-exchange (a person) */
                    grant_type: string;
                    /** @description The key id (or use HTTP Basic auth) */
                    client_id?: string;
                    /** @description The key secret or the full key (or use HTTP Basic auth) */
                    client_secret?: string;
                    /** @description Space-separated scopes to narrow the token to, all held by the key or the person's role (default: all of them) */
                    scope?: string;
                    /** @description Token exchange: the identity provider's ID token or access token (a JWT) */
                    subject_token?: string;
                    /** @description Token exchange: urn:ietf:params:oauth:token-type:id_token, …:access_token or …:jwt */
                    subject_token_type?: string;
                    /** @description Token exchange: only urn:ietf:params:oauth:token-type:access_token */
                    requested_token_type?: string;
                    /** @description Token exchange: the tenant to sign in to, when the person's groups map to several */
                    tenant?: string;
                };
            };
        };
        responses: {
            /** @description An OAuth token response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_token: string;
                        /**
                         * @description Token exchange only
                         * @constant
                         */
                        issued_token_type?: "urn:ietf:params:oauth:token-type:access_token";
                        /** @constant */
                        token_type: "Bearer";
                        expires_in: number;
                        scope: string;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
        };
    };
    jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JSON Web Key Set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            /** @constant */
                            kty: "RSA";
                            n: string;
                            e: string;
                            kid: string;
                            /** @constant */
                            alg: "RS256";
                            /** @constant */
                            use: "sig";
                        }[];
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    openIdConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenID provider metadata */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        issuer: string;
                        jwks_uri: string;
                        token_endpoint: string;
                        grant_types_supported: string[];
                        token_endpoint_auth_methods_supported: string[];
                        response_types_supported: string[];
                        subject_types_supported: string[];
                        id_token_signing_alg_values_supported: string[];
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    oauthAuthorizationServer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Authorization server metadata */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        issuer: string;
                        jwks_uri: string;
                        token_endpoint: string;
                        grant_types_supported: string[];
                        token_endpoint_auth_methods_supported: string[];
                        response_types_supported: string[];
                        subject_types_supported: string[];
                        id_token_signing_alg_values_supported: string[];
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    openApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An OpenAPI 3.1 document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                        info: {
                            title: string;
                            version: string;
                            description?: string;
                        };
                        servers?: {
                            url: string;
                        }[];
                        paths: {
                            [key: string]: Record<string, never>;
                        };
                        components?: Record<string, never>;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listKeys: {
        parameters: {
            query?: {
                /** @description Part of a name (case-insensitive), or a full key, preview or key id */
                search?: string;
                type?: "system" | "privileged" | "viewer" | "client";
                status?: "active" | "disabled" | "revoked" | "expired";
                /** @description Only keys of this owner */
                ownerId?: string;
                /** @description By creation time: desc (newest first, the default) or asc */
                order?: "desc" | "asc";
                /** @description Page size, 1 to 100 (default 25) */
                limit?: string;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["KeyView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeat within 24 hours returns the first answer again */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    type: "privileged" | "viewer" | "client";
                    /** @description Custom scopes, opaque to Keyward, carried into tokens */
                    scopes?: string[];
                    description?: string;
                    /** @description Lifetime in days. A key cannot outlive the key that creates it: a caller whose key expires must give an expiry no later than its own. */
                    expiresInDays?: number;
                    /**
                     * Format: date-time
                     * @description Expiry time, in the future. A key cannot outlive the key that creates it: a caller whose key expires must give an expiry no later than its own.
                     * @example 2026-11-23T10:00:00.000Z
                     */
                    expiresAt?: string;
                    /** @description Keep a KMS-sealed copy so keys:admin can reveal it later */
                    recoverable?: boolean;
                    /**
                     * @description The user or customer in your own system the key belongs to
                     * @example customer-42
                     */
                    ownerId?: string;
                    /** @description Your own data, returned by verify and whoami (not put in tokens): at most 2 KiB as JSON, flat values only */
                    meta?: {
                        [key: string]: string | number | boolean | null;
                    };
                    /** @description At most limit uses of the key per window */
                    rateLimit?: {
                        /** @description Uses allowed per window */
                        limit: number;
                        /** @description Window length; windows are aligned to multiples of it since the epoch */
                        windowSeconds: number;
                    };
                    /** @description Each successful use costs 1; at 0 the key is refused until the next refill */
                    credits?: {
                        remaining: number;
                        /** @description Sets remaining to amount at 00:00 UTC daily, or on the 1st of the month, on the next use after */
                        refill?: {
                            amount: number;
                            /** @enum {string} */
                            interval: "daily" | "monthly";
                        };
                    };
                    /** @description Uses from any other source IP are refused */
                    allowedIps?: string[];
                };
            };
        };
        responses: {
            /** @description The new key and its secret */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: components["schemas"]["KeyView"];
                        /** @description The full key: shown only now */
                        apiKey: string;
                        /** @description The secret part alone, for Key ID + Key Secret clients */
                        keySecret: string;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_mismatch */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    keyUsage: {
        parameters: {
            query?: {
                /** @description Start of the range (default: 24 hours before to; at most 90 days before it) */
                from?: string;
                /** @description End of the range (default: now) */
                to?: string;
                /** @description Bucket size: hour (default) or day (00:00 UTC) */
                granularity?: "hour" | "day";
            };
            header?: never;
            path: {
                /** @description Key id: safe to log and display */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Buckets oldest first, empty ones included, and totals */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description One item per bucket, oldest first, empty buckets included */
                        items: {
                            /**
                             * Format: date-time
                             * @description Start of the bucket
                             * @example 2026-11-23T10:00:00.000Z
                             */
                            at: string;
                            /** @description Uses that were allowed */
                            valid: number;
                            rateLimited: number;
                            usageExceeded: number;
                            ipNotAllowed: number;
                            /** @description Uses refused for the key status (disabled, revoked, expired) with the right secret */
                            refused: number;
                        }[];
                        totals: {
                            /** @description Uses that were allowed */
                            valid: number;
                            rateLimited: number;
                            usageExceeded: number;
                            ipNotAllowed: number;
                            /** @description Uses refused for the key status (disabled, revoked, expired) with the right secret */
                            refused: number;
                        };
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    tenantUsage: {
        parameters: {
            query?: {
                /** @description Start of the range (default: 24 hours before to; at most 90 days before it) */
                from?: string;
                /** @description End of the range (default: now) */
                to?: string;
                /** @description Bucket size: hour (default) or day (00:00 UTC) */
                granularity?: "hour" | "day";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Buckets oldest first, totals, and the top keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description One item per bucket, oldest first, empty buckets included */
                        items: {
                            /**
                             * Format: date-time
                             * @description Start of the bucket
                             * @example 2026-11-23T10:00:00.000Z
                             */
                            at: string;
                            /** @description Uses that were allowed */
                            valid: number;
                            rateLimited: number;
                            usageExceeded: number;
                            ipNotAllowed: number;
                            /** @description Uses refused for the key status (disabled, revoked, expired) with the right secret */
                            refused: number;
                        }[];
                        totals: {
                            /** @description Uses that were allowed */
                            valid: number;
                            rateLimited: number;
                            usageExceeded: number;
                            ipNotAllowed: number;
                            /** @description Uses refused for the key status (disabled, revoked, expired) with the right secret */
                            refused: number;
                        };
                        /** @description The 10 keys with the most valid uses in the range */
                        topKeys: {
                            keyId: string;
                            /** @description null once the key is deleted */
                            name: string | null;
                            valid: number;
                        }[];
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeAllKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                    /**
                     * @description Only keys of this type
                     * @enum {string}
                     */
                    type?: "privileged" | "viewer" | "client";
                    /**
                     * @description Only keys of this owner
                     * @example customer-42
                     */
                    ownerId?: string;
                };
            };
        };
        responses: {
            /** @description How many keys this call revoked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Keys this call revoked (0 when repeated) */
                        revoked: number;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTenantPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantPolicy"];
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putTenantPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TenantPolicy"];
            };
        };
        responses: {
            /** @description The policy now in force */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantPolicy"];
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    verifyKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The full API key */
                    apiKey?: string;
                    /** @description An access token */
                    token?: string;
                };
            };
        };
        responses: {
            /** @description The verdict */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        valid: true;
                        key: components["schemas"]["KeyView"];
                        scopes: string[];
                        ownerId?: string;
                        meta?: {
                            [key: string]: string | number | boolean | null;
                        };
                        credits?: {
                            remaining: number;
                        };
                        rateLimit?: {
                            limit: number;
                            remaining: number;
                            reset: number;
                        };
                    } | {
                        /** @constant */
                        valid: false;
                        code: string;
                        /** @description Seconds, when rate limited */
                        retryAfter?: number;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    reportLeak: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The full API key */
                    apiKey: string;
                    /** @description Where you saw it, such as "public gist" or "build log" */
                    source?: string;
                    /**
                     * Format: uri
                     * @description The page it was seen on
                     */
                    url?: string;
                };
            };
        };
        responses: {
            /** @description The report is received (always the same answer) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        received: true;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    githubSecretScanning: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery is received (and a new alert queued) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        received: true;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: webhook.invalid_signature */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Key id: safe to log and display */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyView"];
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Key id: safe to log and display */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Key id: safe to log and display */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    description?: string;
                    /** @description true: active, false: disabled */
                    enabled?: boolean;
                    /** @description Custom scopes, opaque to Keyward, carried into tokens */
                    scopes?: string[];
                    ownerId?: string | null;
                    meta?: {
                        [key: string]: string | number | boolean | null;
                    } | null;
                    rateLimit?: {
                        /** @description Uses allowed per window */
                        limit: number;
                        /** @description Window length; windows are aligned to multiples of it since the epoch */
                        windowSeconds: number;
                    } | null;
                    credits?: {
                        remaining: number;
                        /** @description Sets remaining to amount at 00:00 UTC daily, or on the 1st of the month, on the next use after */
                        refill?: {
                            amount: number;
                            /** @enum {string} */
                            interval: "daily" | "monthly";
                        };
                    } | null;
                    allowedIps?: string[] | null;
                };
            };
        };
        responses: {
            /** @description The changed key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyView"];
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    regenerateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Key id: safe to log and display */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description How long the old secret keeps working (default 0) */
                    gracePeriodSeconds?: number;
                };
            };
        };
        responses: {
            /** @description The key and its new secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: components["schemas"]["KeyView"];
                        /** @description The full key: shown only now */
                        apiKey: string;
                        /** @description The secret part alone, for Key ID + Key Secret clients */
                        keySecret: string;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Key id: safe to log and display */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description The revoked key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyView"];
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revealKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Key id: safe to log and display */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The full key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        apiKey: string;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    whoami: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: components["schemas"]["KeyView"];
                        tenant: string;
                        scopes: string[];
                        tokenExpiresAt: string | null;
                    } | {
                        person: {
                            id: string;
                            email: string | null;
                            name: string | null;
                            /** @enum {string} */
                            role: "admin" | "manager" | "creator" | "viewer";
                        };
                        tenant: string;
                        scopes: string[];
                        /**
                         * Format: date-time
                         * @description ISO 8601 time
                         * @example 2026-11-23T10:00:00.000Z
                         */
                        tokenExpiresAt: string;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listPeople: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100 (default 25) */
                limit?: string;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of people */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Person"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signOutPerson: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                personId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The person, signed out */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Person"];
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found, key.not_found, person.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.idempotency_in_progress, request.idempotency_stale, key.not_editable, key.conflict, key.not_recoverable, tenant.exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signInProviders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The trusted identity providers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        providers: {
                            id: string;
                            name: string;
                            issuer: string;
                            consoleClientId: string | null;
                            cliClientId: string | null;
                        }[];
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    audit: {
        parameters: {
            query?: {
                /** @description Key id: safe to log and display */
                keyId?: string;
                /** @description Page size, 1 to 100 (default 25) */
                limit?: string;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /**
                             * Format: date-time
                             * @description ISO 8601 time
                             * @example 2026-11-23T10:00:00.000Z
                             */
                            at: string;
                            /** @enum {string} */
                            action: "tenant.bootstrap" | "key.create" | "key.update" | "key.enable" | "key.disable" | "key.regenerate" | "key.revoke" | "key.delete" | "key.reveal" | "key.purge" | "key.expiring" | "authentication.failure" | "tenant.policy_update" | "tenant.revoke_all" | "tenant.break_glass" | "person.sign_in" | "person.sign_out" | "key.leaked";
                            keyId: string | null;
                            /** @description The key id, the person's id, or anonymous */
                            actor: string;
                            /** @enum {string} */
                            actorType: "key" | "person" | "unauthenticated";
                            actorEmail?: string;
                            actorName?: string;
                            sourceIp: string | null;
                            /** @enum {string} */
                            outcome: "success" | "failure";
                            details: {
                                [key: string]: unknown;
                            };
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Error: request.invalid, request.malformed_json, request.invalid_cursor, request.invalid_scope, request.ambiguous_credentials, policy.violation */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: auth.missing_credentials, auth.invalid_token, auth.token_expired, authentication.invalid_api_key, authentication.key_disabled, authentication.key_revoked, authentication.key_expired, authentication.token_superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.blocked, auth.forbidden, auth.superseded_secret, authentication.ip_not_allowed, policy.system_key_disabled, key.protected */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: route.method_not_allowed (a method this path does not take; Allow lists those it takes) */
            405: {
                headers: {
                    /** @description The methods this path takes, such as "GET, POST" */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: request.throttled, authentication.rate_limited, authentication.usage_exceeded */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: internal.error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: service.not_initialised, service.unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
