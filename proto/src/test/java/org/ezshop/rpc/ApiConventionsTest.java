package org.ezshop.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.ezshop.common.v1.Money;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.EdgeProto;
import org.ezshop.edge.v1.Reading;
import org.ezshop.edge.v1.ReadingBatch;
import org.ezshop.identity.v1.IdentityProto;
import org.ezshop.shop.v1.ShopProto;
import org.ezshop.store.v1.StoreProto;
import org.junit.jupiter.api.Test;

/** Guards the public v1 contract: the RPC names integrators rely on, and the conventions in ARCHITECTURE.md. */
class ApiConventionsTest {

  private static final List<FileDescriptor> FILES = List.of(EdgeProto.getDescriptor(),
      IdentityProto.getDescriptor(), StoreProto.getDescriptor(), ShopProto.getDescriptor());

  @Test
  void servicesOfferTheContractedMethods() {
    assertHas(EdgeProto.getDescriptor().findServiceByName("EdgeLinkService"), "Connect");
    assertHas(IdentityProto.getDescriptor().findServiceByName("IdentityService"),
        "Enroll", "Verify", "Identify", "Forget");
    assertHas(StoreProto.getDescriptor().findServiceByName("StoreService"),
        "CreateItem", "UpdateItem", "ListItems", "PutShelfRow", "ListShelfRows", "RegisterShopper",
        "ListShoppers", "RegisterDevice", "ListDevices", "EnterStore", "ExitStore", "ApplyCartEvent",
        "GetCart", "GetReceipt", "ListReviews", "ResolveReview", "Watch", "WatchCart");
    assertHas(ShopProto.getDescriptor().findServiceByName("ShopService"),
        "RegisterShopper", "LoginWithFace", "WatchMyCart", "GetMyReceipts", "WatchStore",
        "ListShoppersInStore", "ListReviews", "ResolveReview");
    MethodDescriptor connect = EdgeProto.getDescriptor().findServiceByName("EdgeLinkService")
        .findMethodByName("Connect");
    assertTrue(connect.isClientStreaming() && connect.isServerStreaming(), "Connect is bidirectional");
  }

  @Test
  void packagesAreVersionedAndServicesEndInService() {
    for (FileDescriptor file : FILES) {
      assertTrue(file.getPackage().matches("ezshop\\.[a-z]+\\.v[0-9]+"), file.getPackage());
      for (ServiceDescriptor service : file.getServices()) {
        assertTrue(service.getName().endsWith("Service"), service.getFullName());
      }
    }
  }

  @Test
  void requestsAndResponsesAreNamedAfterTheirMethod() {
    List<String> wrong = new ArrayList<>();
    for (FileDescriptor file : FILES) {
      for (ServiceDescriptor service : file.getServices()) {
        for (MethodDescriptor method : service.getMethods()) {
          if (method.isClientStreaming()) {
            continue; // Connect streams envelope messages both ways
          }
          if (!method.getInputType().getName().equals(method.getName() + "Request")) {
            wrong.add(method.getFullName() + " takes " + method.getInputType().getName());
          }
          if (!method.isServerStreaming()
              && !method.getOutputType().getName().equals(method.getName() + "Response")) {
            wrong.add(method.getFullName() + " returns " + method.getOutputType().getName());
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void timesAreTimestampsAndMoneyIsMinorUnits() {
    List<String> wrong = new ArrayList<>();
    for (FileDescriptor file : FILES) {
      for (Descriptor message : file.getMessageTypes()) {
        for (FieldDescriptor field : message.getFields()) {
          String name = field.getName();
          String type = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
              ? field.getMessageType().getFullName() : field.getJavaType().name();
          if ((name.endsWith("_at") || name.endsWith("_time") || name.equals("at") || name.equals("last_seen"))
              && !type.equals("google.protobuf.Timestamp")) {
            wrong.add(field.getFullName() + " is " + type);
          }
          if ((name.endsWith("price") || name.endsWith("total")) && !type.equals(Money.getDescriptor().getFullName())) {
            wrong.add(field.getFullName() + " is " + type);
          }
          if (type.equals("FLOAT") || type.equals("DOUBLE")) {
            assertTrue(!name.contains("price") && !name.contains("amount"), field.getFullName());
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void fieldNumbersAreUniqueAndNeverZero() {
    for (FileDescriptor file : FILES) {
      for (Descriptor message : file.getMessageTypes()) {
        Set<Integer> numbers = message.getFields().stream().map(FieldDescriptor::getNumber).collect(Collectors.toSet());
        assertEquals(message.getFields().size(), numbers.size(), message.getFullName());
      }
    }
  }

  @Test
  void edgeMessagesRoundTripThroughProtobufJson() throws Exception {
    EdgeMessage message = EdgeMessage.newBuilder()
        .setSeq(7)
        .setReadings(ReadingBatch.newBuilder()
            .addReadings(Reading.newBuilder().setSensorId("row1-us").setDistanceMm(200.5f)))
        .build();
    String json = JsonFormat.printer().omittingInsignificantWhitespace().print(message);
    assertEquals("{\"seq\":\"7\",\"readings\":{\"readings\":[{\"sensorId\":\"row1-us\",\"distanceMm\":200.5}]}}", json);
    EdgeMessage.Builder parsed = EdgeMessage.newBuilder();
    JsonFormat.parser().merge(json, parsed);
    assertEquals(message, parsed.build());
  }

  private static void assertHas(ServiceDescriptor service, String... methods) {
    Set<String> names = service.getMethods().stream().map(MethodDescriptor::getName).collect(Collectors.toSet());
    for (String method : methods) {
      assertTrue(names.contains(method), service.getFullName() + " lacks " + method);
    }
  }
}
