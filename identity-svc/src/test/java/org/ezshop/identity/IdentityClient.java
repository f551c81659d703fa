package org.ezshop.identity;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.EnrollRequest;
import org.ezshop.identity.v1.IdentifyRequest;
import org.ezshop.identity.v1.IdentifyResponse;
import org.ezshop.identity.v1.IdentityServiceGrpc;

/** A grpc-java client of an identity-svc under test. */
final class IdentityClient implements AutoCloseable {

  static final String TOKEN = "test-manager-token";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private final ManagedChannel channel;

  IdentityClient(int port) {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(16 << 20)
        .build();
  }

  IdentityServiceGrpc.IdentityServiceBlockingStub stub() {
    return as(TOKEN);
  }

  IdentityServiceGrpc.IdentityServiceBlockingStub as(String token) {
    IdentityServiceGrpc.IdentityServiceBlockingStub stub =
        IdentityServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    if (token == null) {
      return stub;
    }
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  IdentityServiceGrpc.IdentityServiceFutureStub async() {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + TOKEN);
    return IdentityServiceGrpc.newFutureStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  String enrol(String name, byte[] image) {
    return stub().enroll(EnrollRequest.newBuilder().setSubjectName(name).setImage(ByteString.copyFrom(image)).build())
        .getFaceId();
  }

  IdentifyResponse identify(byte[] image) {
    return stub().identify(IdentifyRequest.newBuilder().setImage(ByteString.copyFrom(image)).build());
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
