package org.ezshop.camera.core;

/** Says a greeting to the shopper at the camera (TextToSpeech on Android). */
public interface Speaker {

  void say(String text);
}
