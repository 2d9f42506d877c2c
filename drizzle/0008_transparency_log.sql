CREATE TABLE "transparency_checkpoint" (
	"tree_size" bigint PRIMARY KEY NOT NULL,
	"note" text NOT NULL,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transparency_cosignature" (
	"tree_size" bigint NOT NULL,
	"key_name" text NOT NULL,
	"key_id" bigint NOT NULL,
	"line" text NOT NULL,
	"timestamp" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transparency_cosignature_tree_size_key_name_key_id_pk" PRIMARY KEY("tree_size","key_name","key_id")
);
--> statement-breakpoint
CREATE TABLE "transparency_leaf" (
	"leaf_index" bigint PRIMARY KEY NOT NULL,
	"audit_id" bigint NOT NULL,
	"salt" "bytea" NOT NULL,
	CONSTRAINT "transparency_leaf_audit_id_unique" UNIQUE("audit_id")
);
--> statement-breakpoint
CREATE TABLE "transparency_log_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"origin" text NOT NULL,
	"verifier_key" text NOT NULL,
	"tree_size" bigint NOT NULL,
	"last_audit_id" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transparency_tile" (
	"level" smallint NOT NULL,
	"index" bigint NOT NULL,
	"hashes" "bytea" NOT NULL,
	CONSTRAINT "transparency_tile_level_index_pk" PRIMARY KEY("level","index")
);
