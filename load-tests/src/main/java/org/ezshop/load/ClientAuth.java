package org.ezshop.load;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

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
}
