package org.ezshop.load.replay;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * One call passed through, byte for byte, with flow control both ways: a side asks for its next message only
 * when the other side can take it. Requests are shown to the tap on their way.
 */
final class CallProxy {

  private final ServerCall<byte[], byte[]> serverCall;
  private final ClientCall<byte[], byte[]> clientCall;
  private final RecordingProxyTap tap;
  final Requests requests = new Requests();
  final Responses responses = new Responses();

  CallProxy(ServerCall<byte[], byte[]> serverCall, ClientCall<byte[], byte[]> clientCall, RecordingProxyTap tap) {
    this.serverCall = serverCall;
    this.clientCall = clientCall;
    this.tap = tap;
  }

  final class Requests extends ServerCall.Listener<byte[]> {
    private boolean owed;

    @Override
    public void onMessage(byte[] message) {
      tap.request(message);
      clientCall.sendMessage(message);
      synchronized (this) {
        if (clientCall.isReady()) {
          serverCall.request(1);
        } else {
          owed = true;
        }
      }
    }

    @Override
    public void onHalfClose() {
      clientCall.halfClose();
    }

    @Override
    public void onCancel() {
      clientCall.cancel("the caller cancelled", null);
    }

    @Override
    public void onReady() {
      responses.serverReady();
    }

    synchronized void clientReady() {
      if (owed) {
        owed = false;
        serverCall.request(1);
      }
    }
  }

  final class Responses extends ClientCall.Listener<byte[]> {
    private boolean owed;

    @Override
    public void onHeaders(Metadata headers) {
      serverCall.sendHeaders(headers);
    }

    @Override
    public void onMessage(byte[] message) {
      serverCall.sendMessage(message);
      synchronized (this) {
        if (serverCall.isReady()) {
          clientCall.request(1);
        } else {
          owed = true;
        }
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      tap.closed(status);
      serverCall.close(status, trailers);
    }

    @Override
    public void onReady() {
      requests.clientReady();
    }

    synchronized void serverReady() {
      if (owed) {
        owed = false;
        clientCall.request(1);
      }
    }
  }
}
