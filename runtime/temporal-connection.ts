import { Connection } from '@temporalio/client';

/** Connects, or throws one line naming TEMPORAL_ADDRESS. */
export async function connectTemporal(address: string): Promise<Connection> {
  try {
    return await Connection.connect({ address, connectTimeout: '5s' });
  } catch (err) {
    throw new Error(`无法连接 Temporal / cannot reach Temporal at TEMPORAL_ADDRESS (${address}): ${(err as Error).message}`, { cause: err });
  }
}

export async function assertTemporalReachable(address: string, namespace: string): Promise<void> {
  const connection = await connectTemporal(address);
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (err) {
    throw new Error(`Temporal 不可用 / Temporal at TEMPORAL_ADDRESS (${address}) did not answer for namespace ${namespace}: ${(err as Error).message}`, { cause: err });
  } finally {
    await connection.close();
  }
}
