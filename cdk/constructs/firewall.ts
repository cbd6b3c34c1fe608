import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { RouteDefinition } from '../../shared/http/routes.ts';
import { MAX_BODY_BYTES } from '../../shared/limits.ts';
import type { StageConfig } from '../stages.ts';

export interface ApiFirewallProps {
  stage: string;
  config: Pick<StageConfig, 'wafAuthenticationRateLimit' | 'wafApiRateLimit'>;
  /** The API whose deployment stage the web ACL guards. */
  api: apigateway.RestApi;
  /** Held to the stricter per-IP limit. */
  /** Routes under the strict per-address rate rule. */
  tokenRoutes: readonly RouteDefinition[];
  /** Routes that take bodies over 16 KiB (GitHub's webhook), left out of the body-size rule; they check their own limit. */
  largeBodyRoutes: readonly RouteDefinition[];
}

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/**
 * The API's WAF web ACL, associated with its stage: a strict per-IP rate limit on the token
 * routes and a looser one on all of /v1/ (so no single address floods management either),
 * bodies over 16 KiB blocked before any function runs, and AWS's known-bad-inputs rules.
 */
export class ApiFirewall extends wafv2.CfnWebACL {
  /** Also the `WebACL` dimension of its metrics. */
  readonly webAclName: string;

  constructor(scope: Construct, id: string, { stage, config, api, tokenRoutes, largeBodyRoutes }: ApiFirewallProps) {
    // With and without a trailing slash, so `/v1/authentication/` cannot slip past the limit.
    const tokenPaths: wafv2.CfnWebACL.StatementProperty[] = tokenRoutes.flatMap((route) =>
      [route.path, `${route.path}/`].map((searchString) => ({
        byteMatchStatement: {
          fieldToMatch: { uriPath: {} },
          positionalConstraint: 'ENDS_WITH',
          searchString,
          textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
        },
      })),
    );
    // Contains, not starts with: WAF sees the path as sent, `/<stage>/v1/…` on the execute-api URL,
    // `/v1/…` or `/<base path>/v1/…` on a custom domain.
    const apiPaths: wafv2.CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'CONTAINS',
        searchString: '/v1/',
        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
      },
    };
    const oversize: wafv2.CfnWebACL.StatementProperty = {
      sizeConstraintStatement: {
        fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
        comparisonOperator: 'GT',
        size: MAX_BODY_BYTES,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    };
    const largeBodyExempt: wafv2.CfnWebACL.StatementProperty[] = largeBodyRoutes.map((route) => ({
      notStatement: {
        statement: {
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'ENDS_WITH',
            searchString: route.path,
            textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
          },
        },
      },
    }));
    const webAclName = `keyward-${stage}`;
    super(scope, id, {
      name: webAclName,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`keyward-${stage}`),
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: 'KB_16' } } },
      rules: [
        {
          name: 'token-endpoints-rate-per-ip',
          priority: 0,
          action: { block: {} },
          visibilityConfig: visibility('token-endpoints-rate-per-ip'),
          statement: {
            rateBasedStatement: {
              limit: config.wafAuthenticationRateLimit,
              aggregateKeyType: 'IP',
              scopeDownStatement: { orStatement: { statements: tokenPaths } },
            },
          },
        },
        {
          name: 'api-rate-per-ip',
          priority: 1,
          action: { block: {} },
          visibilityConfig: visibility('api-rate-per-ip'),
          statement: { rateBasedStatement: { limit: config.wafApiRateLimit, aggregateKeyType: 'IP', scopeDownStatement: apiPaths } },
        },
        {
          name: 'body-over-16-kib',
          priority: 2,
          action: { block: {} },
          visibilityConfig: visibility('body-over-16-kib'),
          statement: largeBodyRoutes.length > 0 ? { andStatement: { statements: [oversize, ...largeBodyExempt] } } : oversize,
        },
        {
          name: 'aws-known-bad-inputs',
          priority: 3,
          overrideAction: { none: {} },
          visibilityConfig: visibility('aws-known-bad-inputs'),
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        },
      ],
    });
    this.webAclName = webAclName;
    // Beside the web ACL, under its first id (`WebAcl` → `WebAclAssociation`): a new logical id would
    // associate again and then delete the old association, which disassociates the stage.
    new wafv2.CfnWebACLAssociation(scope, `${id}Association`, { resourceArn: api.deploymentStage.stageArn, webAclArn: this.attrArn });
  }
}
