package org.ezshop.load.replay;

import io.grpc.Status;

/** What the recording proxy writes about one call: it sees each request, then how the call ended. */
interface RecordingProxyTap {
  void request(byte[] message);

  void closed(Status status);
}
