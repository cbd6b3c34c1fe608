import { performance } from 'node:perf_hooks';
import { timedCall, type HandlerRequest } from './handler-call.ts';

/**
 * Lambda gives a function CPU in proportion to its memory: one full vCPU at 1,769 MB. So a
 * warm call's CPU time stretches by 1,769 / memory below that, and its waiting on DynamoDB
 * does not. From a call's measured CPU and wall time, this estimates its duration and cost
 * at each memory size (arm64, us-east-1 on-demand prices).
 */
export const FULL_VCPU_MB = 1769;
const PRICE_PER_GB_SECOND = 0.0000133334;
const PRICE_PER_MILLION_REQUESTS = 0.2;
export const MEMORY_SIZES = [256, 512, 1024, FULL_VCPU_MB] as const;

export interface CallProfile {
  route: string;
  /** Median wall time of a warm call, measured here. */
  wallMs: number;
  /** Mean CPU time of a warm call in this process (user + system). */
  cpuMs: number;
}

/** Measures one route's warm calls: wall time (median) and CPU time (mean over all calls). */
export async function profileCalls(route: string, request: HandlerRequest, status: number, calls: number): Promise<CallProfile> {
  for (let i = 0; i < 20; i++) await timedCall(request, status);
  const walls: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) walls.push((await timedCall(request, status)).ms);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = performance.now() - started;
  walls.sort((a, b) => a - b);
  // The CPU of this loop also covers building each request: a small overestimate, on the safe side.
  return { route, wallMs: walls[Math.floor(calls / 2)] ?? 0, cpuMs: Math.min((cpu.user + cpu.system) / 1000 / calls, elapsed / calls) };
}

/** A warm call's duration at `memoryMb`: its waiting as measured, its CPU stretched by the smaller CPU share. */
export function estimatedMs({ wallMs, cpuMs }: CallProfile, memoryMb: number): number {
  const waiting = Math.max(0, wallMs - cpuMs);
  return waiting + cpuMs * Math.max(1, FULL_VCPU_MB / memoryMb);
}

/** What a million warm calls cost in Lambda at `memoryMb` (billed per millisecond, rounded up). */
export function costPerMillion(profile: CallProfile, memoryMb: number): number {
  const billedSeconds = Math.ceil(estimatedMs(profile, memoryMb)) / 1000;
  return 1_000_000 * (memoryMb / 1024) * billedSeconds * PRICE_PER_GB_SECOND + PRICE_PER_MILLION_REQUESTS;
}
