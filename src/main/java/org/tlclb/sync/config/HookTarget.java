package org.tlclb.sync.config;

/** Which push a PostSync / Validate command belongs to: the content tree or the configuration. */
public enum HookTarget { CONTENT, CONFIG }
