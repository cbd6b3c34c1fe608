import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { DomainSettings } from '../stages.ts';

export interface ApiDomainProps {
  stage: string;
  settings: DomainSettings;
  /** Served at the domain's root, through its deployment stage. */
  api: apigateway.RestApi;
}

/**
 * A regional custom domain (TLS 1.2, IPv4 and IPv6) mapped at its root to the API's stage, with
 * the certificate given or one validated by DNS in the hosted zone, and the zone's alias records.
 */
export class ApiDomain extends Construct {
  /** `https://<name>`, no trailing slash: the issuer when `issuerOnDomain`. */
  readonly url: string;
  readonly issuerOnDomain: boolean;

  constructor(scope: Construct, id: string, { stage, settings, api }: ApiDomainProps) {
    super(scope, id);
    const { name, certificateArn, hostedZone } = settings;
    const zone = hostedZone
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: hostedZone.id, zoneName: hostedZone.name })
      : undefined;
    let certificate: acm.ICertificate;
    if (certificateArn) certificate = acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn);
    else if (zone)
      certificate = new acm.Certificate(this, 'Certificate', { domainName: name, validation: acm.CertificateValidation.fromDns(zone) });
    else {
      throw new Error(
        `The domain ${name} of stage '${stage}' needs a certificateArn (an ACM certificate in the stack's region) or a hostedZone to validate a new one in (cdk/stages.ts).`,
      );
    }
    const domain = new apigateway.DomainName(this, 'Name', {
      domainName: name,
      certificate,
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    // Dual stack, so the AAAA record below answers; the domain's IP type is independent of the API's.
    (domain.node.defaultChild as apigateway.CfnDomainName).addPropertyOverride('EndpointConfiguration.IpAddressType', 'dualstack');
    domain.addBasePathMapping(api, { stage: api.deploymentStage });
    if (zone) {
      const target = route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(domain));
      new route53.ARecord(this, 'A', { zone, recordName: name, target });
      new route53.AaaaRecord(this, 'AAAA', { zone, recordName: name, target });
    }
    this.url = `https://${name}`;
    this.issuerOnDomain = settings.issuerOnDomain ?? true;
  }
}
