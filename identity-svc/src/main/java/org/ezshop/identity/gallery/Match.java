package org.ezshop.identity.gallery;

/** A face of the gallery and its best cosine similarity to a probe. */
public record Match(String faceId, String subjectName, float score) {
}
