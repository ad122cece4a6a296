-- Weapon-use policies carry their scope in Danish as well as English.
ALTER TABLE policies ADD COLUMN scope_da TEXT NOT NULL DEFAULT '';
