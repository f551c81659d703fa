package org.ezshop.load.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ezshop.edge.v1.EdgeLinkServiceGrpc;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.rpc.Tls;

/**
 * `ezshop record`: a gRPC proxy in front of a platform that writes a {@link Recording}. StoreService calls go to
 * store-svc, everything else to the gateway, byte for byte. Setup calls that succeed become setup records; every
 * message a device sends on EdgeLink becomes a device record. No token is written (see {@link Recording}).
 */
public final class RecordingProxy implements AutoCloseable {

  private static final String CONNECT = EdgeLinkServiceGrpc.getConnectMethod().getFullMethodName();
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("reading a message: " + e.getMessage()).asRuntimeException();
      }
    }
  };

  private static final Map<String, Message> SETUP = Map.of(
      "ezshop.store.v1.StoreService/CreateItem", org.ezshop.store.v1.CreateItemRequest.getDefaultInstance(),
      "ezshop.store.v1.StoreService/UpdateItem", org.ezshop.store.v1.UpdateItemRequest.getDefaultInstance(),
      "ezshop.store.v1.StoreService/PutShelfRow", org.ezshop.store.v1.PutShelfRowRequest.getDefaultInstance(),
      "ezshop.store.v1.StoreService/RegisterDevice", org.ezshop.store.v1.RegisterDeviceRequest.getDefaultInstance(),
      "ezshop.store.v1.StoreService/RegisterShopper", org.ezshop.store.v1.RegisterShopperRequest.getDefaultInstance(),
      "ezshop.shop.v1.ShopService/RegisterShopper", org.ezshop.shop.v1.RegisterShopperRequest.getDefaultInstance());
  private final Server server;
  private final ManagedChannel gateway;
  private final ManagedChannel store;
  private final Recording recording;

  private RecordingProxy(int port, String gatewayTarget, String storeTarget, Tls tls, Recording recording)
      throws IOException {
    this.gateway = NettyChannelBuilder.forTarget(gatewayTarget, tls.credentials()).maxInboundMessageSize(64 << 20)
        .build();
    this.store = NettyChannelBuilder.forTarget(storeTarget, tls.credentials()).maxInboundMessageSize(64 << 20)
        .build();
    this.recording = recording;
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(port), tls.serverCredentials())
        .maxInboundMessageSize(64 << 20)
        .fallbackHandlerRegistry(new HandlerRegistry() {
          @Override
          public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
            return ServerMethodDefinition.create(MethodDescriptor.newBuilder(BYTES, BYTES).setFullMethodName(method)
                .setType(MethodDescriptor.MethodType.UNKNOWN).build(), RecordingProxy.this::startCall);
          }
        }).build().start();
  }

  /** Listens on {@code port} and forwards to the targets, both with {@code tls}: its certificate, and its CA. */
  public static RecordingProxy start(int port, String gatewayTarget, String storeTarget, Tls tls, Recording recording)
      throws IOException {
    return new RecordingProxy(port, gatewayTarget, storeTarget, tls, recording);
  }

  public int port() {
    return server.getPort();
  }

  private ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> serverCall, Metadata headers) {
    String method = serverCall.getMethodDescriptor().getFullMethodName();
    ManagedChannel target = method.startsWith("ezshop.store.v1.StoreService/") ? store : gateway;
    ClientCall<byte[], byte[]> clientCall = target.newCall(serverCall.getMethodDescriptor(), CallOptions.DEFAULT);
    RecordingProxyTap tap = method.equals(CONNECT) ? new DeviceTap()
        : SETUP.containsKey(method) ? new SetupTap(method, SETUP.get(method)) : NOTHING;
    CallProxy proxy = new CallProxy(serverCall, clientCall, tap);
    clientCall.start(proxy.responses, headers);
    serverCall.request(1);
    clientCall.request(1);
    return proxy.requests;
  }

  /** A device's stream: every message, once its hello has named the device. */
  private final class DeviceTap implements RecordingProxyTap {
    private String device;

    @Override
    public synchronized void request(byte[] bytes) {
      try {
        EdgeMessage message = EdgeMessage.parseFrom(bytes);
        if (message.hasHello()) {
          device = message.getHello().getDeviceId();
        }
        if (device != null) {
          recording.device(device, System.currentTimeMillis(), message);
        }
      } catch (InvalidProtocolBufferException e) {
        // not an EdgeMessage: the gateway will say so to the device; nothing to replay
      }
    }

    @Override
    public void closed(Status status) {
    }
  }

  /** A setup call: its request is written once it has succeeded. */
  private final class SetupTap implements RecordingProxyTap {
    private final String method;
    private final Message prototype;
    private Message request;

    private SetupTap(String method, Message prototype) {
      this.method = method;
      this.prototype = prototype;
    }

    @Override
    public synchronized void request(byte[] bytes) {
      try {
        request = prototype.getParserForType().parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        request = null;
      }
    }

    @Override
    public synchronized void closed(Status status) {
      if (status.isOk() && request != null) {
        recording.setup(method, request);
      }
    }
  }

  private static final RecordingProxyTap NOTHING = new RecordingProxyTap() {
    @Override
    public void request(byte[] message) {
    }

    @Override
    public void closed(Status status) {
    }
  };

  @Override
  public void close() throws IOException {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      store.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      recording.close();
    }
  }
}
