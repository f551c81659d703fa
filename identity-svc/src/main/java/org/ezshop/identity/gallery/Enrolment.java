package org.ezshop.identity.gallery;

/** One enrolled photo's embedding (unit length) under a face. */
public record Enrolment(long id, String faceId, String subjectName, float[] embedding) {
}
