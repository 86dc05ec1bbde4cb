package org.tlclb.sync.config;

public enum HookTarget { CONTENT, CONFIG }
