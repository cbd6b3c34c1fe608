import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Annotations } from 'aws-cdk-lib/assertions';

/** The context cdk.json gives every `cdk` command, for stacks built in tests as `cdk synth` builds them. */
export const cdkJsonContext =
  (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

/** One resource of a synthesized template, as the template tests read it. */
export interface Resource {
  Type: string;
  Properties: Record<string, any>;
  Metadata?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** A stack synthesized for a template test: its resources and outputs as JSON, its cdk-nag annotations. */
export interface SynthesizedStack<S> {
  stack: S;
  resources: Record<string, Resource>;
  outputs: Record<string, { Value: unknown }>;
  annotations: Annotations;
}

export const ofType = ({ resources }: { resources: Record<string, Resource> }, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

/** The one resource of `type`, failing the test when there is none or several. */
export function only(template: { resources: Record<string, Resource> }, type: string): [string, Resource] {
  const found = ofType(template, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

/** A CloudFormation string as text: joins concatenated, a Ref or GetAtt as `reference` writes its target. */
export function cfnText(value: unknown, reference: (target: string) => string = (target) => target): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, any>;
  if (typeof record.Ref === 'string') return reference(record.Ref);
  if (Array.isArray(record['Fn::GetAtt'])) return reference(record['Fn::GetAtt'].join('.'));
  if (Array.isArray(record['Fn::Join']))
    return (record['Fn::Join'][1] as unknown[]).map((part) => cfnText(part, reference)).join(record['Fn::Join'][0]);
  throw new Error(`not a string value: ${JSON.stringify(value)}`);
}
