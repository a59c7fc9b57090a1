package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStateMachineTest {

    @Test
    void followsTheLegalPathOfALoadAndAnUnload() {
        ModelStateMachine machine = new ModelStateMachine();
        assertThat(machine.moveTo(ModelState.LOADING, null)).isTrue();
        assertThat(machine.moveTo(ModelState.LOADED, null)).isTrue();
        assertThat(machine.moveTo(ModelState.UNLOADING, null)).isTrue();
        assertThat(machine.moveTo(ModelState.UNLOADED, null)).isTrue();
        assertThat(machine.state()).isEqualTo(ModelState.UNLOADED);
    }

    @Test
    void anIllegalMoveIsABugAndSaysWhich() {
        ModelStateMachine machine = new ModelStateMachine();
        machine.moveTo(ModelState.LOADING, null);
        machine.moveTo(ModelState.LOADED, null);
        assertThatThrownBy(() -> machine.moveTo(ModelState.LOADING, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("LOADED -> LOADING");
        assertThat(machine.state()).isEqualTo(ModelState.LOADED);
    }

    @Test
    void movingToTheSameStateChangesNothing() {
        ModelStateMachine machine = new ModelStateMachine();
        assertThat(machine.moveTo(ModelState.UNLOADED, null)).isFalse();
    }

    @Test
    void onlyErrorCarriesAReasonAndANewErrorReplacesIt() {
        ModelStateMachine machine = new ModelStateMachine();
        machine.moveTo(ModelState.ERROR, Reason.text("first"));
        assertThat(machine.moveTo(ModelState.ERROR, Reason.text("second"))).isTrue();
        assertThat(machine.reason().text()).isEqualTo("second");
        machine.moveTo(ModelState.UNLOADED, Reason.text("ignored"));
        assertThat(machine.reason()).isNull();
    }
}
