// The translation unit that carries each flavour's precompiled header.
