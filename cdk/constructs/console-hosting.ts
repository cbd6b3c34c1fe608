import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, Lazy, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { projectRoot } from '../bundling.ts';

export interface ConsoleHostingProps {
  stage: string;
  /** The API's origin: the only other origin the console's CSP lets it connect to. */
  apiOrigin: string;
  /** Written into the console's `config.json`. */
  apiUrl: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The admin console: its files (built by Vite at synth) and a `config.json` naming the API in a
 * private bucket, served by CloudFront through origin access control, HTTPS only, with security
 * headers and a CSP whose only other origin is the API; both log to an access-log bucket.
 */
export class ConsoleHosting extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly url: string;
  /** The origins the console calls besides its own: the API, and the identity providers it signs people in with. */
  private readonly connectSources: string[];

  constructor(scope: Construct, id: string, { stage, apiOrigin, apiUrl, removalPolicy }: ConsoleHostingProps) {
    super(scope, id);
    this.connectSources = [apiOrigin];
    // The buckets and the distribution are created beside this construct, under the ids they were
    // first deployed with: a new logical id would replace them (the buckets' contents, the console's URL).
    const logsBucket = new s3.Bucket(scope, 'AccessLogs-bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, // CloudFront standard logs are written with ACLs
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
    });
    const bucket = new s3.Bucket(scope, 'Console', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logsBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy,
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${Lazy.string({ produce: () => this.connectSources.join(' ') })}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
        },
        strictTransportSecurity: { override: true, accessControlMaxAge: Duration.days(365), includeSubdomains: true },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
        referrerPolicy: { override: true, referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER },
      },
    });
    this.distribution = new cloudfront.Distribution(scope, 'ConsoleDistribution', {
      comment: `Keyward ${stage} console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
      enableLogging: true,
      logBucket: logsBucket,
      logFilePrefix: 'console-cdn/',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    const build = s3deploy.Source.asset(join(projectRoot, 'console'), {
      assetHashType: AssetHashType.SOURCE,
      exclude: ['dist'],
      bundling: {
        // Never pulled: the local build below always runs (no Docker here or needed).
        image: DockerImage.fromRegistry('node:24'),
        local: {
          tryBundle(outputDir: string) {
            const vite = join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js');
            execFileSync(
              process.execPath,
              [
                vite,
                'build',
                '--config',
                join(projectRoot, 'console', 'vite.config.ts'),
                '--outDir',
                outputDir,
                '--emptyOutDir',
                '--logLevel',
                'warn',
              ],
              { cwd: projectRoot, stdio: 'inherit' },
            );
            return true;
          },
        },
      },
    });
    new s3deploy.BucketDeployment(this, 'Files', {
      sources: [build, s3deploy.Source.jsonData('config.json', { apiUrl })],
      destinationBucket: bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
  }

  /** Lets the console call `origin` too: an identity provider's discovery, keys and token endpoints. */
  allowConnectionsTo(origin: string): void {
    if (!this.connectSources.includes(origin)) this.connectSources.push(origin);
  }
}
