package org.ezshop.identity.gallery;

/** One enrolled person in a gallery: their slot among its faces, and how many photos they have in it. */
final class Face {
  final int slot;
  final String id;
  final String name;
  int photos;

  Face(int slot, String id, String name) {
    this.slot = slot;
    this.id = id;
    this.name = name;
  }
}
