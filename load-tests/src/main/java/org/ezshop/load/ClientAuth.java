package org.ezshop.load;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import org.ezshop.rpc.BoundStore;

/** A bearer token on grpc-java calls: the `authorization` metadata every EZShop service reads. */
public final class ClientAuth {

  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
      Metadata.ASCII_STRING_MARSHALLER);

  private ClientAuth() {
  }

  public static ClientInterceptor bearer(String token) {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(metadata);
  }

  public static <S extends AbstractStub<S>> S as(S stub, String token) {
    return stub.withInterceptors(bearer(token));
  }

  /** The same, the calls bound to one store of the chain (store-svc's `ezshop-store-id`); none when empty. */
  public static <S extends AbstractStub<S>> S as(S stub, String token, String storeId) {
    if (storeId.isEmpty()) {
      return as(stub, token);
    }
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    metadata.put(Metadata.Key.of(BoundStore.HEADER, Metadata.ASCII_STRING_MARSHALLER), storeId);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }
}
