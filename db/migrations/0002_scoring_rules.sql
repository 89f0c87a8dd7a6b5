CREATE TABLE "scoring_rules" (
	"version" integer PRIMARY KEY NOT NULL,
	"effective_from" date NOT NULL,
	"rules" jsonb NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scoring_rules_effective_from_unique" UNIQUE("effective_from")
);
